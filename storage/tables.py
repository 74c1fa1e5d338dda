"""Every table of the schema, for Alembic and for code that needs them all registered.

Tables added by features live in their own modules (audit, feedback, inbound, lineage, review,
weblogin); importing this module puts them all on ``SQLModel.metadata``.
"""

from storage import audit, feedback, inbound, lineage, models, review, weblogin

MODULES = (models, audit, feedback, inbound, lineage, review, weblogin)
