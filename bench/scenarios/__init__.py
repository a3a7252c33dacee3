"""One module per part of the benchmark: http (side by side), growth, scale (workers, nginx), phone."""
