"""Use cases for a child's education (school history, suspensions, moves, provision, home education, children
missing education), the schools register, and the education summary the Overview and caseload show."""
