"""The scripted conversation an employee types: (message, something the reply must say).

Used by the end-to-end test and by `make bench`."""

from __future__ import annotations

BEFORE_RESTART = [
    ("Hello", "Stage 1 of 7 – Welcome"),
    ("why do you ask?", "Storing your answers lets you leave and continue later"),
    ("Yes, I agree", "Stage 2 of 7 – Needs assessment"),
    ("I feel my career has stalled", "current role"),
    ("I'm a senior accountant", "department"),
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
    ("Professional-technical", "path"),
    ("what is a dual ladder?", "Dual ladder: A specialist track"),
    ("Lateral", "roles are you aiming for"),
    ("FP&A analyst, later finance business partner", "Stage 5 of 7 – Goals"),
    ("Complete the financial modelling certification by next spring", "Is that right?"),
    ("yes", "medium-term career goal"),
    ("Move into the FP&A team as an analyst", "By when"),
    ("in 18 months", "Is that right?"),
    ("yes", "long-term career goal"),
    ("Become head of FP&A in 2032", "Is that right?"),
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
