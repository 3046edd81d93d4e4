"""What measures the product: eval scenarios, bench, the local call, reports, stats."""
