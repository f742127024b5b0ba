"""After the results: the public notice (公示) of a published round and the objections (异议) raised during it."""
