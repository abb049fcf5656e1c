"""The review's own logic: the section registry, grading scale, ICD-10 look-up, the frozen
snapshot of a submission, differences between versions, redaction and the report."""
