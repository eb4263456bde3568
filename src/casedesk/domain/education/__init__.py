"""A child's education: school history (enrolments in the schools register), suspensions and permanent
exclusions, managed moves, alternative provision and part-time timetables, elective home education and children
missing education. Pure rules and vocabularies; no I/O."""
