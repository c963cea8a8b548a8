"""Guide: a short, private questionnaire that explains which kinds of care may fit, and why.

Nothing is stored: the answers travel in the GET address of one page, which sets no cookie and
needs no JavaScript. The reasoning is plain code (`advice.py`), the questions a Django form
(`forms.py`). It depends on `articles` only to list the published articles it points to; the
program search and the meeting finder are reached by their URL names.
"""
