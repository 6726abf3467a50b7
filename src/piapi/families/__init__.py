"""Model families: one declarations file each (typed requests, outputs, prices)."""
