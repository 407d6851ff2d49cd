/*
 * Preloaded into strace (LD_PRELOAD) when it prints -k stacks with libunwind: remembers the symbol
 * name libunwind found for each address, so that a program making the same calls again and again
 * costs strace an unwind, not an unwind plus a file system walk per frame.
 *
 * Why: for every frame strace asks unw_get_proc_name. libunwind-ptrace (1.6, Debian 12) answers each
 * such question from scratch: it reads /proc/PID/maps, opens and maps the whole ELF file the address
 * lies in, looks for a separate debug file under three names, finds the symbol and unmaps the file
 * again. For a libc program whose frames alternate between libc and the program, that is about ten
 * map/unmap pairs per syscall, and strace -k ran 28 times slower than strace (trace/capture/unwindCache.ts
 * has the figures). The answer only changes when the process's memory map does, and strace tells
 * libunwind when that happens (unw_flush_cache), so we keep each answer until then.
 *
 * And within one stack walk, libunwind reads each register with its own PTRACE_PEEKUSER and each
 * stack word with its own PTRACE_PEEKDATA, some twenty system calls a walk. The tracee stands still
 * during a walk, so we read its registers once (PTRACE_GETREGS) and its memory a page at a time
 * (process_vm_readv, as strace itself reads strings), and answer from those copies until the walk ends.
 *
 * Last, libunwind blocks every signal around each use of its own cache (two sigprocmask calls, five
 * times a walk) so that a signal handler that unwinds cannot find it half-updated. strace's signal
 * handlers only note the signal, and strace has one thread, so those calls protect nothing here: we
 * answer them without a system call. Every other sigprocmask call goes to the C library.
 *
 * What we replace, all through the dynamic linker's usual lookup (strace and libunwind-ptrace refer to
 * these by symbol): _UPT_get_proc_name, _UPT_access_reg and _UPT_access_mem (the accessors libunwind
 * calls for a name, a register, a word of memory), _UPT_create (to learn which process a context is
 * for) and _Ux86_64_init_remote (a walk begins); and to forget what we keep, _Ux86_64_flush_cache
 * (strace saw the memory map change), _UPT_destroy (a process's unwind context ends; its address may
 * be reused) and wait4 (a tracee stopped again, perhaps after an execve: the same addresses may now
 * hold another program); and sigprocmask (when libunwind calls it, see above). Each calls the real
 * function, and any question we cannot answer from a copy goes to the real accessor. Nothing else in strace changes: its output with this library is the
 * same as without it (test/integration/trace/unwindCache.test.ts).
 *
 * We also take ourselves out of LD_PRELOAD as we load, so that a program strace starts does not
 * inherit us.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

/* libunwind's error codes are negated: -UNW_ENOMEM asks the caller for a longer buffer. */
#define UNW_ENOMEM 2
/* <linux/ptrace.h>: the stop a tracer sees once a tracee's execve has replaced its image. */
#define EVENT_EXEC_STATUS (SIGTRAP | (4 << 8))
#define BUCKETS 4096
/* Bounded: past this many distinct addresses we start again (a program does not have that many call sites in a loop). */
#define MAX_ENTRIES 65536

typedef int (*get_proc_name_fn)(void *as, uint64_t ip, char *buf, size_t len, uint64_t *offset, void *context);

struct entry {
  struct entry *next;
  void *context;
  uint64_t ip;
  uint64_t offset;
  int result;
  char name[];
};

static struct entry *table[BUCKETS];
static unsigned entries;

static void forget_all(void) {
  if (!entries) return;
  for (unsigned i = 0; i < BUCKETS; i++) {
    struct entry *e = table[i];
    while (e) {
      struct entry *next = e->next;
      free(e);
      e = next;
    }
    table[i] = NULL;
  }
  entries = 0;
}

/* Forgets one context's names (its process ended; the address of its context may be reused). */
static void forget_context(const void *context) {
  for (unsigned i = 0; i < BUCKETS && entries; i++) {
    for (struct entry **e = &table[i]; *e;) {
      if ((*e)->context != context) {
        e = &(*e)->next;
        continue;
      }
      struct entry *gone = *e;
      *e = gone->next;
      free(gone);
      entries--;
    }
  }
}

static unsigned bucket_of(const void *context, uint64_t ip) {
  uint64_t h = (ip ^ (uint64_t)(uintptr_t)context) * 0x9E3779B97F4A7C15ull;
  return (unsigned)(h >> 52) % BUCKETS;
}

/* The answer as libunwind gives it: the name cut to fit the buffer, and -UNW_ENOMEM when it was cut. */
static int answer(const struct entry *e, char *buf, size_t len, uint64_t *offset) {
  size_t n = strlen(e->name);
  if (offset) *offset = e->offset;
  if (n < len) {
    memcpy(buf, e->name, n + 1);
    return e->result;
  }
  if (len) {
    memcpy(buf, e->name, len - 1);
    buf[len - 1] = '\0';
  }
  return -UNW_ENOMEM;
}

int _UPT_get_proc_name(void *as, uint64_t ip, char *buf, size_t len, uint64_t *offset, void *context) {
  static get_proc_name_fn real;
  if (!real) real = (get_proc_name_fn)dlsym(RTLD_NEXT, "_UPT_get_proc_name");
  if (!real) return -1; /* -UNW_EUNSPEC; cannot happen while libunwind-ptrace is what loaded us */
  unsigned b = bucket_of(context, ip);
  for (const struct entry *e = table[b]; e; e = e->next)
    if (e->context == context && e->ip == ip) return answer(e, buf, len, offset);

  uint64_t found_offset = 0;
  int result = real(as, ip, buf, len, &found_offset, context);
  if (offset) *offset = found_offset;
  /* A name cut short is not kept: the caller asks again with a longer buffer. */
  if (result == -UNW_ENOMEM) return result;
  if (entries >= MAX_ENTRIES) forget_all();
  size_t n = result == 0 && len ? strnlen(buf, len) : 0;
  struct entry *e = malloc(sizeof *e + n + 1);
  if (!e) return result;
  e->context = context;
  e->ip = ip;
  e->offset = found_offset;
  e->result = result;
  memcpy(e->name, buf, n);
  e->name[n] = '\0';
  e->next = table[b];
  table[b] = e;
  entries++;
  return result;
}

/* ---- one walk: the tracee's registers and the pages of its memory read so far ---- */

/* Which process each unwind context is for (from _UPT_create), so as not to rely on its layout. */
struct context_pid {
  struct context_pid *next;
  void *context;
  pid_t pid;
};
static struct context_pid *pids[BUCKETS];

#define PAGE 4096u
#define WALK_PAGES 8

static struct {
  void *context; /* the walk under way, NULL between walks */
  pid_t pid;
  int have_registers;
  struct user_regs_struct registers;
  unsigned pages;
  uint64_t page_address[WALK_PAGES];
  unsigned char page[WALK_PAGES][PAGE];
} walk;

static unsigned pid_bucket(const void *context) { return bucket_of(context, 0); }

static pid_t pid_of(const void *context) {
  for (const struct context_pid *c = pids[pid_bucket(context)]; c; c = c->next)
    if (c->context == context) return c->pid;
  return 0;
}

static void end_walk(void) {
  walk.context = NULL;
  walk.have_registers = 0;
  walk.pages = 0;
}

void *_UPT_create(pid_t pid) {
  static void *(*real)(pid_t);
  if (!real) real = (void *(*)(pid_t))dlsym(RTLD_NEXT, "_UPT_create");
  void *context = real ? real(pid) : NULL;
  if (context) {
    struct context_pid *c = malloc(sizeof *c);
    if (c) {
      unsigned b = pid_bucket(context);
      c->context = context;
      c->pid = pid;
      c->next = pids[b];
      pids[b] = c;
    }
  }
  return context;
}

int _Ux86_64_init_remote(void *cursor, void *as, void *context) {
  static int (*real)(void *, void *, void *);
  if (!real) real = (int (*)(void *, void *, void *))dlsym(RTLD_NEXT, "_Ux86_64_init_remote");
  end_walk();
  walk.context = context;
  walk.pid = pid_of(context);
  return real ? real(cursor, as, context) : -1;
}

/* libunwind's x86-64 register numbers (libunwind-x86_64.h: RAX, RDX, RCX, RBX, RSI, RDI, RBP, RSP, R8-R15, RIP) in user_regs_struct. */
static int register_value(int regnum, const struct user_regs_struct *r, uint64_t *value) {
  switch (regnum) {
    case 0: *value = r->rax; return 1;
    case 1: *value = r->rdx; return 1;
    case 2: *value = r->rcx; return 1;
    case 3: *value = r->rbx; return 1;
    case 4: *value = r->rsi; return 1;
    case 5: *value = r->rdi; return 1;
    case 6: *value = r->rbp; return 1;
    case 7: *value = r->rsp; return 1;
    case 8: *value = r->r8; return 1;
    case 9: *value = r->r9; return 1;
    case 10: *value = r->r10; return 1;
    case 11: *value = r->r11; return 1;
    case 12: *value = r->r12; return 1;
    case 13: *value = r->r13; return 1;
    case 14: *value = r->r14; return 1;
    case 15: *value = r->r15; return 1;
    case 16: *value = r->rip; return 1;
    default: return 0;
  }
}

typedef int (*access_fn)(void *as, uint64_t what, uint64_t *value, int write, void *context);

int _UPT_access_reg(void *as, int regnum, uint64_t *value, int write, void *context) {
  static int (*real)(void *, int, uint64_t *, int, void *);
  if (!real) real = (int (*)(void *, int, uint64_t *, int, void *))dlsym(RTLD_NEXT, "_UPT_access_reg");
  if (!real) return -1;
  if (write) {
    walk.have_registers = 0;
    return real(as, regnum, value, write, context);
  }
  if (context != walk.context || walk.pid <= 0) return real(as, regnum, value, write, context);
  if (!walk.have_registers) {
    if (ptrace(PTRACE_GETREGS, walk.pid, NULL, &walk.registers) != 0) return real(as, regnum, value, write, context);
    walk.have_registers = 1;
  }
  uint64_t v;
  if (!register_value(regnum, &walk.registers, &v)) return real(as, regnum, value, write, context);
  *value = v;
  return 0;
}

int _UPT_access_mem(void *as, uint64_t address, uint64_t *value, int write, void *context) {
  static access_fn real;
  if (!real) real = (access_fn)dlsym(RTLD_NEXT, "_UPT_access_mem");
  if (!real) return -1;
  if (write) {
    walk.pages = 0;
    return real(as, address, value, write, context);
  }
  uint64_t base = address & ~(uint64_t)(PAGE - 1);
  /* A word that spans two pages, or a question outside the walk, goes to libunwind. */
  if (context != walk.context || walk.pid <= 0 || address - base > PAGE - sizeof *value) return real(as, address, value, write, context);
  unsigned i = 0;
  while (i < walk.pages && walk.page_address[i] != base) i++;
  if (i == walk.pages) {
    if (walk.pages == WALK_PAGES) return real(as, address, value, write, context);
    struct iovec local = { walk.page[i], PAGE };
    struct iovec remote = { (void *)(uintptr_t)base, PAGE };
    /* A page the tracee cannot read (process_vm_readv has no FOLL_FORCE): libunwind's way. */
    if (process_vm_readv(walk.pid, &local, 1, &remote, 1, 0) != (ssize_t)PAGE) return real(as, address, value, write, context);
    walk.page_address[i] = base;
    walk.pages++;
  }
  memcpy(value, walk.page[i] + (address - base), sizeof *value);
  return 0;
}

void _Ux86_64_flush_cache(void *as, uint64_t low, uint64_t high) {
  static void (*real)(void *, uint64_t, uint64_t);
  if (!real) real = (void (*)(void *, uint64_t, uint64_t))dlsym(RTLD_NEXT, "_Ux86_64_flush_cache");
  forget_all();
  if (real) real(as, low, high);
}

void _UPT_destroy(void *context) {
  static void (*real)(void *);
  if (!real) real = (void (*)(void *))dlsym(RTLD_NEXT, "_UPT_destroy");
  forget_context(context);
  end_walk();
  for (struct context_pid **c = &pids[pid_bucket(context)]; *c; c = &(*c)->next) {
    if ((*c)->context == context) {
      struct context_pid *gone = *c;
      *c = gone->next;
      free(gone);
      break;
    }
  }
  if (real) real(context);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage) {
  static pid_t (*real)(pid_t, int *, int, struct rusage *);
  if (!real) real = (pid_t (*)(pid_t, int *, int, struct rusage *))dlsym(RTLD_NEXT, "wait4");
  pid_t result = real(pid, status, options, usage);
  /* A tracee stopped again: it has run since any walk. After an execve, other code sits at the same addresses. */
  end_walk();
  if (result > 0 && status && (*status >> 8) == EVENT_EXEC_STATUS) forget_all();
  return result;
}

/* ---- libunwind's signal masking ---- */

/* Whether code at this address is libunwind's: a few call sites, each looked up once. */
static int in_libunwind(const void *code) {
  static const void *seen[32];
  static signed char verdict[32];
  static unsigned count_seen;
  for (unsigned i = 0; i < count_seen; i++)
    if (seen[i] == code) return verdict[i];
  Dl_info info;
  int yes = dladdr(code, &info) && info.dli_fname && strstr(info.dli_fname, "/libunwind") != NULL;
  if (count_seen < 32) {
    seen[count_seen] = code;
    verdict[count_seen++] = (signed char)yes;
  }
  return yes;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
  static int (*real)(int, const sigset_t *, sigset_t *);
  if (!real) real = (int (*)(int, const sigset_t *, sigset_t *))dlsym(RTLD_NEXT, "sigprocmask");
  /* libunwind saves the mask into `old` only to set it back itself: neither call needs to happen. */
  if (in_libunwind(__builtin_return_address(0))) {
    if (old) sigemptyset(old);
    return 0;
  }
  return real ? real(how, set, old) : -1;
}

/* Removes this library's own entry from LD_PRELOAD (entries are separated by colons or spaces). */
__attribute__((constructor)) static void leave_preload(void) {
  const char *list = getenv("LD_PRELOAD");
  Dl_info self;
  if (!list || !dladdr((void *)leave_preload, &self) || !self.dli_fname) return;
  size_t size = strlen(list);
  char *kept = malloc(size + 1);
  if (!kept) return;
  size_t used = 0;
  const char *p = list;
  while (*p) {
    size_t skip = strspn(p, ": ");
    p += skip;
    size_t n = strcspn(p, ": ");
    if (!n) break;
    if (strlen(self.dli_fname) != n || strncmp(p, self.dli_fname, n) != 0) {
      if (used) kept[used++] = ':';
      memcpy(kept + used, p, n);
      used += n;
    }
    p += n;
  }
  kept[used] = '\0';
  if (used) setenv("LD_PRELOAD", kept, 1);
  else unsetenv("LD_PRELOAD");
  free(kept);
}
