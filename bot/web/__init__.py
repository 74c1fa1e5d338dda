"""The officers' web dashboard: an adapter at the edge, like the chat channels.

Server-rendered pages (Starlette, Jinja2 templates under ``templates/``, one CSS file, no
script) over the same storage, roles and area scope as the chat. ``create_app`` builds the
ASGI application; ``giamngheo web`` serves it with uvicorn.
"""
