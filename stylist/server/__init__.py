"""Servers that embed the stylist in chat services: OpenAI-compatible HTTP and MCP."""
