"""The career information database: O*NET occupations, interests, skills and paths.

`onet_files` reads the shipped O*NET files, `loader` puts them into the career tables,
`catalogue` answers questions from an in-memory copy, `profiler` scores the Interest
Profiler, `titles` resolves free-text job titles.
"""
