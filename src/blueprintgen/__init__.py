"""blueprintgen: service blueprints in YAML -> diagrams and a site that shows where handoffs break."""

__version__ = "0.1.0"
