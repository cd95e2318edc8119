"""The agent: tool selection, execution, grounded answers (LangChain primitives), and the router."""
