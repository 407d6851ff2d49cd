;;; syscall-lens.el --- Syscall Lens's NASM language server in Emacs, through eglot  -*- lexical-binding: t; -*-

;; `syscall-lens lsp --stdio' (from `npm install -g syscall-lens-*.tgz') for .asm and .nasm files in
;; Emacs's own asm-mode (or nasm-mode, when installed). Needs eglot: built in from Emacs 29, the
;; elpa-eglot package on Debian 12, or M-x package-install RET eglot. Load it from your init file:
;;   (load "/path/to/syscall-lens.el")

(require 'eglot)

(add-to-list 'auto-mode-alist '("\\.nasm\\'" . asm-mode))
(add-to-list 'eglot-server-programs '((asm-mode nasm-mode) . ("syscall-lens" "lsp" "--stdio")))
(add-hook 'asm-mode-hook #'eglot-ensure)
(add-hook 'nasm-mode-hook #'eglot-ensure)

(provide 'syscall-lens)
;;; syscall-lens.el ends here
