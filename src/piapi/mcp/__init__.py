"""`piapi mcp`: PiAPI as an MCP server for AI agents (extra `piapi-sdk[mcp]`).

Run it with `piapi mcp` (stdio) or `piapi mcp --http PORT`; see docs/mcp.md. Nothing is
imported here: the command's parser lives in `_command`, the server in `_server`.
"""
