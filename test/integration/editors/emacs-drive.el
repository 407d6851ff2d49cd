;;; emacs-drive.el --- drives eglot against the Syscall Lens server; writes what it saw as JSON  -*- lexical-binding: t; -*-
;; Run by emacs.test.ts in batch mode; every wait is bounded.
(require 'json)

(defvar drive-result nil)
(defun drive-put (key value) (push (cons key value) drive-result))

(defun drive-finish ()
  (with-temp-file (getenv "SYSCALL_LENS_RESULT") (insert (json-encode drive-result)))
  (kill-emacs 0))

(defun drive-wait (predicate seconds)
  "Runs timers and process output until PREDICATE holds or SECONDS pass; returns its value."
  (let ((deadline (+ (float-time) seconds)) (value nil))
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    value))

(defun drive-fail (message)
  (drive-put 'error message)
  (drive-finish))

(condition-case err
    (progn
      (find-file (getenv "SYSCALL_LENS_FILE"))
      (drive-put 'mode (symbol-name major-mode))
      ;; eglot-ensure (from the mode hook) starts the server after the command that opened the file.
      (run-hooks 'post-command-hook)
      (unless (drive-wait (lambda () (eglot-current-server)) 30) (drive-fail "eglot did not connect"))
      (let ((server (eglot-current-server)))
        (drive-put 'server (plist-get (eglot--server-info server) :name))
        ;; Hover on `mov rax, 60'.
        (goto-char (point-min))
        (re-search-forward "mov +rax, \\(60\\)")
        (goto-char (match-beginning 1))
        (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
          (drive-put 'hover (let ((contents (plist-get hover :contents))) (if (stringp contents) contents (plist-get contents :value)))))
        ;; Diagnostics from nasm after typing an error, through flymake.
        (goto-char (point-min))
        (re-search-forward "^ +mov +rax, 1")
        (beginning-of-line)
        (insert "        mov     rax, [\n")
        ;; Batch Emacs has no idle time, so send the change now instead of on eglot's idle timer.
        (eglot--signal-textDocument/didChange)
        (unless (drive-wait (lambda () (flymake-start) (flymake-diagnostics)) 30) (drive-fail "no diagnostics after the error"))
        (drive-put 'diagnostics (mapcar (lambda (d) (list (cons 'line (line-number-at-pos (flymake-diagnostic-beg d)))
                                                          (cons 'text (flymake-diagnostic-text d))))
                                        (flymake-diagnostics)))
        (forward-line -1)
        (delete-region (line-beginning-position) (1+ (line-end-position)))
        (eglot--signal-textDocument/didChange)
        (drive-put 'cleared (if (drive-wait (lambda () (flymake-start) (null (flymake-diagnostics))) 30) t :json-false))
        ;; Completion of a typed prefix.
        (goto-char (point-max))
        (insert "\n        sysc")
        (eglot--signal-textDocument/didChange)
        (let* ((reply (jsonrpc-request server :textDocument/completion (eglot--TextDocumentPositionParams)))
               (items (if (vectorp reply) reply (plist-get reply :items))))
          (drive-put 'completionCount (length items))
          (drive-put 'completion (vconcat (delq nil (mapcar (lambda (item)
                                                              (let ((word (or (plist-get item :filterText) (plist-get item :label))))
                                                                (and (string-prefix-p "sysc" word) (plist-get item :label))))
                                                            items)))))
        (delete-region (line-beginning-position) (point-max))
        (delete-char -1)
        (eglot--signal-textDocument/didChange)
        ;; Rename the label msg, applied by eglot.
        (goto-char (point-min))
        (re-search-forward "^msg")
        (beginning-of-line)
        (eglot-rename "greeting")
        (drive-put 'lines (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n")))
        (drive-put 'stillRunning (if (jsonrpc-running-p server) t :json-false)))
      (drive-finish))
  (error (drive-fail (format "%S" err))))
