"""The scripted conversation an employee types: (message, something the reply must say).

Used by the end-to-end test and by `make bench`."""

from __future__ import annotations

# Interest Profiler answers by RIASEC area (1 strongly dislike ... 5 strongly like): an
# accountant's conventional-enterprising profile. Items cycle R R I I A A S S E E C C.
PROFILER_ANSWER = {"R": 1, "I": 3, "A": 2, "S": 3, "E": 4, "C": 5}
PROFILER_ORDER = "RRIIAASSEECC"


def profiler_digits(first: int, last: int) -> str:
    """Answers to items first..last typed as digits in one message ("1 3 3 2 ...")."""
    return " ".join(str(PROFILER_ANSWER[PROFILER_ORDER[(i - 1) % 12]]) for i in range(first, last + 1))


BEFORE_RESTART = [
    ("Hello", "Stage 1 of 7 – Welcome"),
    ("why do you ask?", "Storing your answers lets you leave and continue later"),
    ("Yes, I agree", "Stage 2 of 7 – Needs assessment"),
    ("I feel my career has stalled", "current role"),
    ("I'm a senior accountant", "I'll use O*NET's “Accountants and Auditors”"),
    ("Group finance", "How long"),
    ("about three years", "education"),
    ("Master's degree in economics", "hope to get"),
    ("A clear plan for my next step", "Stage 3 of 7 – Assessment"),
    ("I enjoy analysing data and explaining the numbers to managers", "good at"),
    ("Excel modelling, patience and explaining complex things simply", "matters most"),
    ("change my answer about my department", "currently: “Group finance”"),
    ("Group Finance and Controlling", "Updated your department"),
    ("Learning, autonomy and fair pay", "constraints"),
    ("I have two small kids so I can't relocate", "organisation heading"),
]
AFTER_RESTART = [
    ("The company is centralising finance into a shared service centre", "opportunities"),
    ("A new FP&A team is being built next year", "relationships"),
    ("Good with my manager, a bit distant from IT", "social changes"),
    ("Hybrid work has become normal in finance", "economic trends"),
    ("Higher interest rates and cost pressure on every department", "technological changes"),
    ("Automation of bookkeeping and AI forecasting tools", "leaning towards"),
    ("Financial planning and analysis", "Preference"),
    ("Yes, clearly", "Strength"),
    ("Partly, I still need to learn forecasting", "Value"),
    ("Yes, clearly", "Development"),
    ("Yes, the FP&A team is growing fast", "Stage 4 of 7 – Exploration"),
    ("yes", "Interest profiler · 1 of 60"),
    ("Strongly dislike", "2 of 60"),
    ("skip", "3 of 60"),
    ("what does a data scientist do?", "Data Scientists"),
    (profiler_digits(3, 10), "Batch 1 of 6 done"),
    (profiler_digits(11, 30), "31 of 60"),
    (profiler_digits(31, 59), "60 of 60"),
    ("Strongly like", "Conventional, Enterprising, Investigative"),  # the Holland code CEI, in words
    ("Professional-technical", "path"),
    ("what is a dual ladder?", "Dual ladder: A specialist track"),
    ("what skills does a budget analyst need?", "The most important skills for Budget Analysts"),
    ("Lateral", "From Accountants and Auditors, a lateral path"),
    ("financial analyst", "which of these is closest"),
    ('/inform{"choice": "13-2051.00"}', "Skills gap for Financial and Investment Analysts · 1 of 6"),
    ("4", "2 of 6"),
    ("intermediate", "3 of 6"),
    ("skip", "4 of 6"),
    ("2", "5 of 6"),
    ("advanced", "6 of 6"),
    ("3", "Your biggest gaps"),
    # every goal gets its own success criterion, with suggestions to tap (issue 12)
    ("Complete the financial modelling certification by next spring", "How will you know your short-term goal is done?"),
    ('/inform{"choice": "suggestion-1"}', "Is that right?"),
    ("yes", "medium-term career goal"),
    ("Move into the FP&A team as an analyst", "By when"),
    ("in 18 months", "How will you know your medium-term goal is done?"),
    ("I work in the FP&A team", "Is that right?"),
    ("yes", "long-term career goal"),
    ("Become head of FP&A in 2032", "How will you know your long-term goal is done?"),
    ("I lead the FP&A team", "Is that right?"),
    ("yes", "Stage 6 of 7 – Action plan"),
    ("Talk to my manager about FP&A by 15 January; finish the certification course in 4 months", "development means"),
    ("training and mentoring", "Who matters"),
    ("my manager and a mentor", "your manager do"),
    ("She can sponsor my move to FP&A", "engage your manager"),
    ("I'll raise it in our next one-to-one", "your mentor do"),
    ("Share how she moved from accounting to FP&A", "engage your mentor"),
    ("Ask her for a coffee once a month", "Stage 7 of 7 – Review"),
    ("every six months", "next review would be on"),
    ("yes", "earlier"),
    ("A reorganisation or a new manager", "How useful"),
    ("4", "add about the session"),
    ("It helped me structure my thoughts", "Here's what I have stored"),
]

CONVERSATION = BEFORE_RESTART + AFTER_RESTART
