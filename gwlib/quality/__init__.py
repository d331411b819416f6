"""Water quality (水质): standards as data, grading by GB/T 14848-2017, assessment of samples,
annual classes and summaries, trends, the single-point report."""
