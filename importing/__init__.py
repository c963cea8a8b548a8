"""What every import shares, whatever it imports (programs, meetings): the import pipeline.

Model-free, and importing only the shared admin history writer (portal.admin_tools), so that the apps that own the listings
(`directory` for programs, `meetings` for meetings) and the open-data formats (`opendata`) can all
run their imports through it. See `importing.pipeline`.
"""
