"""FieldCheck (效能监察现场检查): the offline workbench of administrative-efficiency inspectors."""

__version__ = "0.1.0"
