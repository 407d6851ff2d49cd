// Placeholder until the strace panel lands (issue 6).
export {};
