"""Query understanding: what a person typed in a finder's keyword box, read as that finder's choices.

Below both finders (directory, meetings), with no models: each finder hands it the words it knows
(the directory its taxonomy terms, the meeting finder its fellowships and meeting types) and gets
back filters and the words left to search. The rules, in the order they apply, are in RULES.md; the
word lists are data files in data/.
"""
