-- Drives Neovim's own LSP client against the Syscall Lens server, the way a user's editor does, and
-- writes what it saw to $SYSCALL_LENS_RESULT as JSON. Run by neovim.test.ts; every step is bounded.
local result = { steps = {} }
local buf = vim.api.nvim_get_current_buf()

local function finish()
  local file = io.open(os.getenv('SYSCALL_LENS_RESULT'), 'w')
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd('qa!')
end

local function fail(message)
  result.error = message
  finish()
end

local function client()
  return vim.lsp.get_active_clients()[1]
end

local function request(method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, 15000)
  if not responses then return nil end
  for _, response in pairs(responses) do
    if response.error then return { error = response.error } end
    return response.result
  end
end

local function position(line, character)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = character } }
end

local function find_line(pattern)
  for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if text:find(pattern) then return i - 1, text end
  end
end

result.filetype = vim.bo[buf].filetype
if not vim.wait(20000, function() return client() ~= nil and client().initialized end, 50) then return fail('the server did not start') end
result.server = client().name

-- Hover on `mov rax, 60`.
local exit_line, exit_text = find_line('mov%s+rax, 60')
local hover = request('textDocument/hover', position(exit_line, exit_text:find('60') - 1))
result.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL

-- Diagnostics after introducing an error.
local write_line = find_line('mov%s+rax, 1')
vim.api.nvim_buf_set_lines(buf, write_line, write_line, false, { '        mov     rax, [' })
if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 100) then return fail('no diagnostics after the error') end
result.diagnostics = vim.tbl_map(function(d) return { line = d.lnum, message = d.message, source = d.source } end, vim.diagnostic.get(buf))
vim.api.nvim_buf_set_lines(buf, write_line, write_line + 1, false, {})
result.cleared = vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 100)

-- Completion after a typed prefix, filtered by that prefix as the editor shows it.
local last = vim.api.nvim_buf_line_count(buf)
vim.api.nvim_buf_set_lines(buf, last, last, false, { '        sysc' })
local completion = request('textDocument/completion', position(last, 12))
local items = completion and (completion.items or completion) or {}
result.completionCount = #items
result.completion = {}
for _, item in ipairs(items) do
  local word = item.filterText or item.label
  if vim.startswith(word, 'sysc') then table.insert(result.completion, item.label) end
end
vim.api.nvim_buf_set_lines(buf, last, last + 1, false, {})

-- Rename the label msg, applied by Neovim's own workspace-edit code.
local msg_line, msg_text = find_line('^msg')
local edit = request('textDocument/rename', vim.tbl_extend('force', position(msg_line, 0), { newName = 'greeting' }))
if edit and not edit.error then vim.lsp.util.apply_workspace_edit(edit, client().offset_encoding) end
result.renameError = edit and edit.error or vim.NIL
result.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)

-- A request the server cannot answer must come back as a protocol error, not a crash.
local bad = request('textDocument/hover', { textDocument = { uri = 'file:///nonexistent/none.asm' }, position = { line = 0, character = 0 } })
result.unknownDocument = bad or vim.NIL
result.stillRunning = not vim.lsp.client_is_stopped(client().id)
finish()
