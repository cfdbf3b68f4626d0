-- Neovim test (tests/test_neovim.py): start `pipfix lsp` for the file $PIPFIX_FILE with the
-- built-in client, format the buffer through it and write the file (a copy to $PIPFIX_FILE.first);
-- then type: insert $PIPFIX_INSERT at the end of line 2 and append the line $PIPFIX_APPEND;
-- format and write again; quit. Works with Neovim 0.7 (Debian 12: vim.lsp.start_client,
-- formatting_sync) and 0.8+ (vim.lsp.start, buf.format).
local file = vim.env.PIPFIX_FILE
local cmd = { vim.env.PIPFIX_PYTHON, "-m", "pipfix", "lsp" }
local done = false
local function on_attach(client, bufnr)
  done = true
end
vim.cmd("edit " .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local config = { name = "pipfix", cmd = cmd, root_dir = vim.fn.fnamemodify(file, ":h"), on_attach = on_attach }
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(bufnr, client_id)
end
local ok = vim.wait(20000, function() return done end, 50)
if not ok then
  io.stderr:write("pipfix lsp did not attach\n")
  vim.cmd("cquit 3")
end

local function format_and_write(target)
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ async = false, timeout_ms = 20000 })
  else
    vim.lsp.buf.formatting_sync(nil, 20000)
  end
  vim.cmd("write! " .. vim.fn.fnameescape(target))
end

format_and_write(file .. ".first")
local line = vim.api.nvim_buf_get_lines(bufnr, 1, 2, true)[1]
vim.api.nvim_buf_set_text(bufnr, 1, #line, 1, #line, { vim.env.PIPFIX_INSERT or "" })
if vim.env.PIPFIX_APPEND then
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, true, { vim.env.PIPFIX_APPEND })
end
format_and_write(file)
vim.lsp.stop_client(client_id)
vim.cmd("qall!")
