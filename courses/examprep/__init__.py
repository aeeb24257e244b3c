"""Exam preparation: the question bank, practice with a wrong-question notebook, mock exams and readiness."""
