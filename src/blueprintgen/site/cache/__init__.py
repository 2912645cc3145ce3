"""What a build keeps for the next one: diagrams, pages and whole builds, in a folder that must be the tool's own."""
