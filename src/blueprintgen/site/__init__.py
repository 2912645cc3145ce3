"""The output side: the pages, diagrams and search a build makes, and how MkDocs publishes them."""
