"""The organizers' audit log: every recorded change, filtered, paged and exported."""
