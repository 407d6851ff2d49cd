-- Syscall Lens in Neovim 0.7 or later: the NASM language server (`syscall-lens lsp --stdio`, from
-- `npm install -g syscall-lens-*.tgz`) on .asm and .nasm buffers. One server per working directory.
-- Use it as it is (`:luafile` it, or copy it into ~/.config/nvim/plugin/), or take the table given
-- to start_client into your own setup.
local clients = {}

vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'asm', 'nasm' },
  callback = function(args)
    local root = vim.fn.getcwd()
    local id = clients[root]
    if id == nil or vim.lsp.client_is_stopped(id) then
      id = vim.lsp.start_client({
        name = 'syscall-lens',
        cmd = { 'syscall-lens', 'lsp', '--stdio' },
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      })
      clients[root] = id
    end
    if id then vim.lsp.buf_attach_client(args.buf, id) end
  end,
})
