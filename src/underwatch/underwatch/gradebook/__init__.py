"""The instructor's gradebook after grading: what each answer got wrong (``details``), the class
report (``report``), written answers marked side by side (``written``) and files each LMS imports
(``lms``). Nothing here runs a student's code: it reads the grader's CSV and side files."""
