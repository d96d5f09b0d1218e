"""The content library (themes, assets, glossary) arrives with the content issues."""
