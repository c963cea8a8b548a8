"""Phone numbers, checked and formatted with libphonenumber (the `phonenumbers` library).

Model-free and importing no other app: programs, meetings, imports and templates all use it, so a
listing's number is checked once, stored in one form and dialled the same way everywhere.
"""
