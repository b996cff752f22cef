"""The counseling stages and their questions: the one catalogue the forms, the
validators, the summary and the "why do you ask?" answers are built from.

Stages follow ../shared/spec/counseling-model.md (seeds 000-004). Question keys are
also the Rasa slot names; `tests/test_domain.py` keeps domain.yml in step with this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """How an answer is read and validated (see bot/conversation/answers.py)."""

    TEXT = "text"  # free text, stored as typed
    CHOICE = "choice"  # one of the offered choices; free text is matched to one
    CHOICE_OR_TEXT = "choice_or_text"  # a choice, or the person's own words
    MULTI_CHOICE = "multi_choice"  # one or more of the offered choices
    YES_NO = "yes_no"
    DURATION = "duration"  # "3 years", "since 2021" -> months
    GOAL = "goal"  # a career goal, checked against SMART
    GOAL_DUE = "goal_due"  # the follow-up "by when?"
    GOAL_MEASURE = "goal_measure"  # the follow-up "how will you know it is done?"
    GOAL_CONFIRM = "goal_confirm"  # goal shown back with its date for confirmation
    STEPS = "steps"  # action steps, each with a date
    FREQUENCY = "frequency"  # review frequency in months
    REVIEW_DATE = "review_date"  # proposed date accepted, or another date
    RATING = "rating"  # 1-5
    OCCUPATION = "occupation"  # an O*NET occupation, chosen from the career database
    PROFILER = "profiler"  # the 60-item O*NET Interest Profiler, one activity per turn
    SKILL_RATING = "skill_rating"  # self-ratings on a target occupation's skills


@dataclass(frozen=True)
class Choice:
    value: str  # canonical value stored
    title: str  # button title
    explanation: str = ""  # one sentence shown when offered
    synonyms: tuple[str, ...] = ()  # words that select it in free text


@dataclass(frozen=True)
class Question:
    key: str
    stage: str
    label: str  # short name used in summaries and "change my answer about ..."
    prompt: str
    why: str  # answer to "why do you ask?"
    kind: Kind = Kind.TEXT
    choices: tuple[Choice, ...] = ()
    skippable: bool = True
    aliases: tuple[str, ...] = ()  # other words people use for this question


@dataclass(frozen=True)
class Stage:
    key: str
    number: int
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    @property
    def form(self) -> str:
        return f"{self.key}_form"

    @property
    def header(self) -> str:
        return f"Stage {self.number} of {len(STAGES)} – {self.title}"


YES_NO = (
    Choice("yes", "Yes", synonyms=("yes", "y", "ya", "yeah", "yep", "sure", "ok", "okay", "agree", "i agree", "of course", "correct", "right", "👍")),
    Choice("no", "No", synonyms=("no", "n", "nope", "nah", "don't", "do not", "disagree", "not", "👎")),
)

SITUATIONS = (
    Choice("clear_direction", "I need a clear direction", synonyms=("direction", "early career", "just started", "student", "graduate")),
    Choice("job_search_target", "I'm looking for a job without a precise target", synonyms=("job search", "looking for a job", "no target")),
    Choice("confused", "I'm confused about where to go", synonyms=("confused", "lost", "don't know which way", "unsure")),
    Choice("dislike_work", "I don't like my current work", synonyms=("dislike", "hate my job", "don't like", "unhappy", "bored")),
    Choice("busy_little_result", "I'm busy but see little result", synonyms=("busy", "little result", "no results", "overworked")),
    Choice("stalled", "My career has stalled", synonyms=("stalled", "stuck", "plateau", "not moving", "no promotion")),
    Choice("change_jobs", "I'm undecided about changing jobs", synonyms=("change jobs", "switch jobs", "leave", "quit", "move on")),
    Choice("stability_income", "I want stability or a higher income", synonyms=("stability", "stable", "income", "salary", "pay", "money")),
    Choice("entrepreneurship", "I'm thinking about starting a business", synonyms=("business", "founder", "start-up", "startup", "entrepreneur")),
    Choice("self_management", "I want methods to manage my own career", synonyms=("methods", "manage my career", "tools", "learn how")),
)

EDUCATION = (
    Choice("secondary", "Secondary school", synonyms=("high school", "secondary", "gcse", "a-levels", "abitur")),
    Choice("vocational", "Vocational training", synonyms=("vocational", "apprenticeship", "trade", "diploma", "technical college")),
    Choice("bachelor", "Bachelor's degree", synonyms=("bachelor", "bachelors", "ba", "bsc", "b.sc", "undergraduate", "college degree")),
    Choice("master", "Master's degree", synonyms=("master", "masters", "msc", "m.sc", "ma", "mba")),
    Choice("doctorate", "Doctorate", synonyms=("phd", "doctorate", "doctor", "dphil")),
)

PRINCIPLE_ANSWERS = (
    Choice("yes", "Yes, clearly", synonyms=("yes", "ya", "yeah", "yep", "yup", "clearly", "definitely", "absolutely", "very much",
                                            "k", "ok", "okay", "sure", "for sure")),
    Choice("partly", "Partly", synonyms=("partly", "somewhat", "a bit", "kind of", "sort of", "maybe", "kinda", "a little",
                                         "partly i guess", "i guess")),
    Choice("no", "Not really", synonyms=("no", "not really", "not at all", "hardly", "nah", "nope")),
)

DIRECTIONS = (
    Choice(
        "professional_technical",
        "Professional-technical",
        "Growing as a specialist: deeper expertise in your field, recognised by your peers.",
        ("professional", "technical", "specialist", "expert", "technology", "engineering"),
    ),
    Choice(
        "management",
        "Management",
        "Leading people and organisations: taking responsibility for teams, budgets and results.",
        ("management", "mgmt", "manager", "lead people", "leadership", "managing", "executive"),
    ),
    Choice(
        "technical_management",
        "Technical plus management",
        "Both at once: keeping your expertise while taking on leadership of technical work.",
        ("both", "technical plus management", "tech lead", "technical management", "mix"),
    ),
    Choice(
        "operational",
        "Operational skills",
        "Mastering hands-on operational work: the craft, the tools and the processes that keep things running.",
        ("operational", "operations", "hands-on", "skills", "craft", "practical"),
    ),
)

PATH_TYPES = (
    Choice(
        "traditional",
        "Traditional",
        "A vertical ladder within one unit: each job prepares you for the next, higher one.",
        ("traditional", "vertical", "ladder", "promotion", "climb"),
    ),
    Choice(
        "network",
        "Network",
        "Moves between jobs that share the same behavioural requirements, vertically or sideways.",
        ("network", "related jobs", "similar jobs"),
    ),
    Choice(
        "lateral",
        "Lateral",
        "Moves across functions at a similar level, to keep growing and avoid stagnation.",
        ("lateral", "sideways", "across", "rotation", "different function"),
    ),
    Choice(
        "dual_ladder",
        "Dual ladder",
        "A specialist track that runs parallel to the management track, with equal standing.",
        ("dual", "dual ladder", "specialist track", "parallel"),
    ),
)

DEVELOPMENT_MEANS = (
    Choice("training", "Training and courses", synonyms=("training", "course", "courses", "class", "workshop", "certification", "certificate", "degree", "study")),
    Choice("mentoring", "Mentoring or coaching", synonyms=("mentor", "mentoring", "coach", "coaching", "shadowing")),
    Choice("job_rotation", "Job rotation", synonyms=("rotation", "rotate", "secondment", "job swap")),
    Choice("projects", "Stretch projects", synonyms=("project", "projects", "stretch", "assignment", "initiative")),
)

PEOPLE_ROLES = (
    Choice("manager", "My manager", synonyms=("manager", "boss", "supervisor", "line manager", "team lead")),
    Choice("mentor", "A mentor", synonyms=("mentor", "coach", "sponsor")),
    Choice("hr", "HR", synonyms=("hr", "human resources", "people team", "hrbp")),
    Choice("peers", "Peers and colleagues", synonyms=("peer", "peers", "colleague", "colleagues", "coworker", "co-worker", "team")),
    Choice("family", "Family", synonyms=("family", "partner", "wife", "husband", "parents", "spouse", "friends")),
)
ROLE_TITLES = {c.value: c.title.removeprefix("My ").removeprefix("A ") for c in PEOPLE_ROLES}

FREQUENCIES = (
    Choice("3", "Every 3 months", synonyms=("3 months", "three months", "quarterly", "every quarter")),
    Choice("6", "Every 6 months (recommended)", synonyms=("6 months", "six months", "twice a year", "half-yearly", "semi-annually", "recommended", "default")),
    Choice("12", "Once a year", synonyms=("12 months", "yearly", "annually", "once a year", "every year")),
)

RATINGS = tuple(Choice(str(n), "★" * n, synonyms=(str(n),)) for n in range(1, 6))

GOAL_HORIZONS = {
    # horizon: (label, the span in months a goal of that horizon usually takes)
    "short": ("short-term", (0, 12)),
    "medium": ("medium-term", (12, 36)),
    "long": ("long-term", (36, 120)),
}


def _goal_questions(horizon: str, example: str) -> tuple[Question, ...]:
    label, (low, high) = GOAL_HORIZONS[horizon]
    span = "within a year" if high <= 12 else f"in {low // 12} to {high // 12} years"
    return (
        Question(
            f"goal_{horizon}",
            "goals",
            f"{label} goal",
            f"What is your {label} career goal – something to reach {span}? "
            f"For example: “{example}”.",
            "A goal you can check – specific, measurable, achievable, relevant and time-bound "
            "(SMART) – is the one you will act on. I'll help make it concrete.",
            Kind.GOAL,
            aliases=(f"{horizon} goal", f"{horizon} term goal", f"{horizon}-term goal", f"{label} goal"),
        ),
        Question(
            f"goal_{horizon}_due",
            "goals",
            f"{label} goal date",
            f"By when do you want to reach your {label} goal? (e.g. “next spring”, “in 18 months”, “by June 2028”)",
            "A goal without a date stays a wish. The date also goes into your review calendar.",
            Kind.GOAL_DUE,
            skippable=False,
            aliases=(f"{horizon} goal date", f"{horizon} deadline"),
        ),
        Question(
            f"goal_{horizon}_measure",
            "goals",
            f"{label} goal success criterion",
            f"How will you know your {label} goal is done? Name something you could point to.",
            "The criterion for success goes into part 7 of your career plan: it is how you and "
            "your counselor will see that the goal is reached.",
            Kind.GOAL_MEASURE,
            skippable=False,
            aliases=(f"{horizon} goal measure", f"{horizon} success criterion"),
        ),
        Question(
            f"goal_{horizon}_confirmed",
            "goals",
            f"{label} goal confirmed",
            "",  # built from the goal, its date and measure (bot/conversation/prompts.py)
            "I show the goal back with a real date so that nothing is misunderstood before it "
            "goes into your plan.",
            Kind.GOAL_CONFIRM,
            skippable=False,
        ),
    )


def _person_questions(role: Choice) -> tuple[Question, ...]:
    name = ROLE_TITLES[role.value]
    the = "your " if role.value in ("manager", "mentor", "family") else ""
    return (
        Question(
            f"person_{role.value}_help",
            "action_plan",
            f"what {the}{name} can do",
            f"What can {the}{name} do to help you reach your goals?",
            "Part 5 of your plan names the people who matter and what each can do for you.",
            aliases=(f"{name} help", f"what my {name} can do", f"what {name} can do"),
        ),
        Question(
            f"person_{role.value}_engage",
            "action_plan",
            f"how to engage {the}{name}",
            f"How and when will you engage {the}{name}? (e.g. “raise it in my next 1:1”)",
            "Deciding how to approach each person turns support into a concrete step.",
            aliases=(f"engage {name}", f"how to engage my {name}", f"how to engage {name}"),
        ),
    )


STAGES: tuple[Stage, ...] = (
    Stage(
        "welcome",
        1,
        "Welcome",
        "I'm Waypoint, your organisation's career-counseling assistant. Together we'll go "
        "through the steps a career counselor follows – your needs, an assessment of you, "
        "your organisation and your field, directions and paths, SMART goals, an action plan "
        "and a review schedule – and build your career plan. A human counselor can take over "
        "at any time.",
        (
            Question(
                "consent",
                "welcome",
                "consent to store answers",
                "Your answers are stored confidentially so that you can stop and come back, and "
                "so that your plan and your counselor can use them. They are never shared with "
                "third parties. Do you agree that I store your answers?",
                "Storing your answers lets you leave and continue later and builds your career "
                "plan. If you say no, we still talk, but nothing is kept.",
                Kind.YES_NO,
                YES_NO,
                skippable=False,
                aliases=("consent", "storing", "privacy"),
            ),
        ),
    ),
    Stage(
        "needs",
        2,
        "Needs assessment",
        "First, let's understand what brings you here and where you are today.",
        (
            Question(
                "situation",
                "needs",
                "what brings you here",
                "What brings you here? Pick what fits best, or tell me in your own words.",
                "Knowing why you came lets me focus the conversation on what you need most.",
                Kind.CHOICE_OR_TEXT,
                SITUATIONS,
                aliases=("situation", "reason", "what brings me", "why i came"),
            ),
            Question(
                "current_role",
                "needs",
                "current role",
                "What is your current role or job title?",
                "Your current role is the starting point for every path we explore.",
                aliases=("role", "job", "job title", "position", "title"),
            ),
            Question(
                "current_occupation",
                "needs",
                "current occupation in the career database",
                "",  # built from the candidates (bot.careers.conversation)
                "Matching your role to an O*NET occupation lets me show real paths, skills and "
                "education from the career database.",
                Kind.OCCUPATION,
                aliases=("current occupation", "my occupation", "onet occupation"),
            ),
            Question(
                "department",
                "needs",
                "department",
                "Which department or team do you work in?",
                "Your department tells me which opportunities inside the organisation are close to you.",
                aliases=("team", "unit", "division"),
            ),
            Question(
                "time_in_role",
                "needs",
                "time in role",
                "How long have you been in this role? (e.g. “2 years”, “since March 2023”)",
                "Time in role helps judge whether a next step, a lateral move or deepening is timely.",
                Kind.DURATION,
                aliases=("time in role", "how long", "tenure", "years in role"),
            ),
            Question(
                "education",
                "needs",
                "education",
                "What is your highest education or training?",
                "Education is part of the assessment of yourself and of the gap to your target roles.",
                Kind.CHOICE_OR_TEXT,
                EDUCATION,
                aliases=("degree", "studies", "qualification", "qualifications"),
            ),
            Question(
                "expectations",
                "needs",
                "expectations",
                "What do you hope to get out of this conversation?",
                "Your expectations tell us both what a good outcome looks like.",
                aliases=("expectation", "hopes", "what i hope"),
            ),
        ),
    ),
    Stage(
        "assessment",
        3,
        "Assessment",
        "Now let's look through three lenses: you, your organisation and the wider environment.",
        (
            Question("interests", "assessment", "interests", "What kind of work interests you most – what do you enjoy doing?", "Interests show where your energy goes: the preference principle.", aliases=("interest", "what i enjoy", "enjoy")),
            Question("strengths", "assessment", "strengths", "What are you good at? Name two or three strengths, with an example if you can.", "Strengths are what lets you stand out: the strength principle.", aliases=("strength", "skills", "abilities", "good at")),
            Question("values", "assessment", "values", "What matters most to you in work (e.g. impact, security, autonomy, learning)?", "Values decide whether a direction feels worth it: the value principle.", aliases=("value", "what matters")),
            Question("constraints", "assessment", "constraints", "Are there constraints to plan around – family, health, location, time? Say “none” if there aren't.", "Constraints are part of an honest assessment; a plan that ignores them won't hold.", aliases=("constraint", "limitations", "family situation", "health")),
            Question("org_strategy", "assessment", "organisation's strategy", "Where is your organisation heading – its strategy or big changes you know of?", "A direction that matches where the organisation is going has more opportunities.", aliases=("strategy", "organisation strategy", "organization strategy", "company strategy")),
            Question("org_opportunities", "assessment", "opportunities in the organisation", "What opportunities do you see inside the organisation – roles, projects, programmes?", "Opportunities inside the organisation are often the shortest route to a goal.", aliases=("opportunities", "internal opportunities")),
            Question("org_relationships", "assessment", "relationships at work", "How are your relationships at work – with your manager, team and other departments?", "Relationships at work shape what support you can count on.", aliases=("relationships", "relationship", "work relationships")),
            Question("env_social", "assessment", "social trends", "Which social changes affect your field (e.g. remote work, demographics, new expectations)?", "The environment lens: social change opens some paths and closes others.", aliases=("social", "social trends", "social environment")),
            Question("env_economic", "assessment", "economic trends", "Which economic trends affect your field or industry?", "The environment lens: economic trends tell where demand is growing.", aliases=("economic", "economy", "economic trends", "market")),
            Question("env_technology", "assessment", "technological trends", "Which technological changes are reshaping your field?", "The environment lens: technology changes which skills are valued.", aliases=("technology", "technological trends", "tech trends", "ai")),
            Question("leaning_direction", "assessment", "direction you lean towards", "Which direction or role are you leaning towards right now, even tentatively?", "We test the direction you lean towards against four principles: preference, strength, value and development.", aliases=("leaning", "lean towards", "direction i lean")),
            Question("principle_preference", "assessment", "preference (do you like it)", "Preference: do you genuinely like that direction – would you stick with it when it gets hard?", "Preference principle: only what you like keeps you going through difficulty.", Kind.CHOICE_OR_TEXT, PRINCIPLE_ANSWERS, aliases=("preference", "like it")),
            Question("principle_strength", "assessment", "strength (are you good at it)", "Strength: are you good at what that direction needs?", "Strength principle: doing what you're best at lets you stand out.", Kind.CHOICE_OR_TEXT, PRINCIPLE_ANSWERS, aliases=("strength principle", "good at it")),
            Question("principle_value", "assessment", "value (is it worth doing)", "Value: do you find it worth doing – important enough to you?", "Value principle: without it you won't be happy, however competent you are.", Kind.CHOICE_OR_TEXT, PRINCIPLE_ANSWERS, aliases=("value principle", "worth it", "worth doing")),
            Question("principle_development", "assessment", "development (room to grow)", "Development: is there opportunity and room to grow in that direction?", "Development principle: you need the opportunity and enough room for growth.", Kind.CHOICE_OR_TEXT, PRINCIPLE_ANSWERS, aliases=("development principle", "room to grow", "growth")),
        ),
    ),
    Stage(
        "exploration",
        4,
        "Exploration",
        "Let's explore directions and the kind of career path that suits you.",
        (
            Question(
                "take_profiler",
                "exploration",
                "whether to take the interest profiler",
                "",  # built by bot.careers.replies.profiler_intro
                "Knowing what kinds of work you enjoy makes the directions and paths we explore yours.",
                Kind.YES_NO,
                YES_NO,
                aliases=("profiler", "take the profiler"),
            ),
            Question(
                "interest_profile",
                "exploration",
                "interest profile (Holland code)",
                "",  # one activity at a time (bot.careers.conversation)
                "The O*NET Interest Profiler shows which of six kinds of work – Realistic, Investigative, "
                "Artistic, Social, Enterprising, Conventional – you enjoy most, to explore occupations that fit.",
                Kind.PROFILER,
                skippable=False,  # "skip" skips one activity; "stop" ends the profiler
                aliases=("interest profile", "holland code", "riasec", "interest profiler"),
            ),
            Question("career_direction", "exploration", "career direction", "Which career direction fits you best?", "The direction is the “mirror and ruler” of your career: it focuses your energy for the next 5–10 years.", Kind.CHOICE, DIRECTIONS, aliases=("direction", "career direction")),
            Question("path_type", "exploration", "career path type", "Which kind of career path do you want to follow?", "The path type decides what your next moves look like: up, across, within a network of related jobs, or on a specialist ladder.", Kind.CHOICE, PATH_TYPES, aliases=("path", "path type", "career path")),
            Question("target_roles", "exploration", "target roles", "Which roles are you aiming for? Name one or more.", "Target roles make the direction concrete and anchor your goals.", aliases=("target role", "target roles", "roles", "target", "role i'm aiming for", "role i am aiming for", "roles i'm aiming for", "aiming for")),
            Question(
                "target_occupation",
                "exploration",
                "target occupation in the career database",
                "",
                "Matching your target role to an O*NET occupation lets me compare your skills with what it needs.",
                Kind.OCCUPATION,
                aliases=("target occupation",),
            ),
            Question(
                "skills_gap",
                "exploration",
                "skills gap",
                "",  # one skill at a time (bot.careers.conversation)
                "Rating yourself on the target role's most important skills shows the gap to close – part 9 of your plan.",
                Kind.SKILL_RATING,
                skippable=False,  # "skip" skips one skill; "stop" ends the ratings
                aliases=("skills gap", "skill gap", "skill ratings", "my skills"),
            ),
        ),
    ),
    Stage(
        "goals",
        5,
        "Goals",
        "Now let's set SMART goals – specific, measurable, achievable, relevant and time-bound – "
        "for the short, medium and long term.",
        _goal_questions("short", "Complete the internal project-management course by March")
        + _goal_questions("medium", "Lead a team of five in our data department within two years")
        + _goal_questions("long", "Become head of analytics in 2032"),
    ),
    Stage(
        "action_plan",
        6,
        "Action plan",
        "Let's turn the goals into concrete steps and name the people who can help.",
        (
            Question(
                "action_steps",
                "action_plan",
                "action steps",
                "What concrete steps will you take, each with a date? Separate them with “;” or new lines "
                "(e.g. “Ask my manager about the rotation by 15 January; finish the SQL course in 3 months”).",
                "Each goal becomes tasks with dates: that is what turns a plan into progress.",
                Kind.STEPS,
                aliases=("steps", "action steps", "plan steps", "tasks"),
            ),
            Question(
                "development_means",
                "action_plan",
                "development means",
                "Which development means will you use? Pick one or more, or describe your own.",
                "Training, mentoring, job rotation and stretch projects are the tools organisations offer for growth.",
                Kind.MULTI_CHOICE,
                DEVELOPMENT_MEANS,
                aliases=("development", "means", "training", "development means"),
            ),
            Question(
                "key_people",
                "action_plan",
                "people who matter",
                "Who matters for this plan? Pick one or more.",
                "Career management works best with your manager, HR, mentors and peers involved.",
                Kind.MULTI_CHOICE,
                PEOPLE_ROLES,
                aliases=("people", "who matters", "supporters"),
            ),
        )
        + tuple(q for role in PEOPLE_ROLES for q in _person_questions(role)),
    ),
    Stage(
        "review",
        7,
        "Review",
        "Last stage: career management is lifelong – let's agree when and how you'll review this plan.",
        (
            Question("review_frequency", "review", "review frequency", "How often do you want to review your plan?", "Regular reviews keep the plan alive: goals get tracked and corrected.", Kind.FREQUENCY, FREQUENCIES, aliases=("frequency", "how often", "review frequency")),
            Question("next_review_date", "review", "next review date", "", "The next review date goes into your calendar file with your goal deadlines.", Kind.REVIEW_DATE, skippable=False, aliases=("review date", "next review")),
            Question("review_triggers", "review", "triggers for an earlier review", "What would make you review the plan earlier (e.g. a reorganisation, a new manager, an offer)?", "Plans are revised on schedule and also when circumstances change.", aliases=("triggers", "trigger", "earlier review")),
            Question("session_rating", "review", "session rating", "How useful was this session for you, from 1 (not at all) to 5 (very)?", "Your rating helps us supervise and improve the service.", Kind.RATING, RATINGS, aliases=("rating", "rate")),
            Question("rating_comment", "review", "comment on the session", "Anything you'd like to add about the session? (or “no”)", "Comments help us improve the service.", aliases=("comment", "feedback")),
        ),
    ),
)

STAGES_BY_KEY: dict[str, Stage] = {s.key: s for s in STAGES}
QUESTIONS: dict[str, Question] = {q.key: q for s in STAGES for q in s.questions}
ORDERED_KEYS: tuple[str, ...] = tuple(q.key for s in STAGES for q in s.questions)
COMPLETE = "complete"  # the value of the stage slot once every stage is done


def person_keys(roles: list[str] | tuple[str, ...]) -> list[str]:
    """The follow-up questions for the people someone chose, in catalogue order."""
    return [
        k
        for role in (c.value for c in PEOPLE_ROLES)
        if role in roles
        for k in (f"person_{role}_help", f"person_{role}_engage")
    ]


# What an answer can look like: offered when someone is unsure ("idk", "what would you
# suggest?") and when a question comes round a third time. Goal follow-ups share one.
EXAMPLES: dict[str, str] = {
    "consent": "Yes – store my answers",
    "situation": "I've been in the same role for four years and don't see where to go next",
    "current_role": "Warehouse shift supervisor",
    "current_occupation": "the closest of the three titles, or “none of these”",
    "department": "Customer Experience, the outbound team",
    "time_in_role": "about 3 years",
    "education": "Vocational training in logistics",
    "expectations": "A clear idea of my next step and what I need to learn for it",
    "interests": "Solving practical problems with my team, and teaching new people",
    "strengths": "I stay calm under pressure – last winter I kept the night shift running when half the team was ill",
    "values": "Security for my family, and learning something new every year",
    "constraints": "I can't relocate, and I care for my mother two evenings a week",
    "org_strategy": "We're automating the warehouse and opening a second site next year",
    "org_opportunities": "A team-lead role at the new site, and the internal leadership programme",
    "org_relationships": "Good with my manager; the planning team and I often clash over schedules",
    "env_social": "More people want flexible hours, and many experienced colleagues are retiring",
    "env_economic": "Online retail keeps growing, but margins are tight",
    "env_technology": "Robots and scanning systems are taking over routine picking",
    "leaning_direction": "Moving into logistics planning",
    "principle_preference": "Partly",
    "principle_strength": "Partly",
    "principle_value": "Yes, clearly",
    "principle_development": "Yes, clearly",
    "take_profiler": "Yes, let's do it",
    "interest_profile": "3 (unsure) if you don't mind the activity either way",
    "career_direction": "Technical plus management",
    "path_type": "Lateral",
    "target_roles": "Logistics planner, later planning team lead",
    "target_occupation": "the closest of the titles shown, or “none of these”",
    "skills_gap": "4 – I can do it with some help",
    "goal_short": "Finish the internal supply-chain planning course by June",
    "goal_short_due": "by the end of June",
    "goal_short_measure": "I have the course certificate",
    "goal_short_confirmed": "Yes",
    "goal_medium": "Work as a logistics planner within two years",
    "goal_medium_due": "in two years",
    "goal_medium_measure": "I hold a planner position",
    "goal_medium_confirmed": "Yes",
    "goal_long": "Lead the planning team by 2031",
    "goal_long_due": "in 2031",
    "goal_long_measure": "I'm the planning team lead",
    "goal_long_confirmed": "Yes",
    "action_steps": "Ask my manager about a rotation into planning by 15 January; finish the Excel course in 3 months",
    "development_means": "Training and courses, and a mentor",
    "key_people": "My manager and HR",
    "person_manager_help": "Let me join the planning meetings once a month",
    "person_manager_engage": "Raise it in my next 1:1",
    "person_mentor_help": "Tell me how they moved into planning and review my CV",
    "person_mentor_engage": "Ask for a coffee once a month",
    "person_hr_help": "Tell me about internal openings and the training budget",
    "person_hr_engage": "Book a meeting with my HR business partner this month",
    "person_peers_help": "Show me the planning tools they use",
    "person_peers_engage": "Ask to shadow the planners for a day",
    "person_family_help": "Cover the school run on my course evenings",
    "person_family_engage": "Talk it over this weekend",
    "review_frequency": "Every 6 months",
    "next_review_date": "Yes, that date works",
    "review_triggers": "A reorganisation, a new manager, or a job offer",
    "session_rating": "4",
    "rating_comment": "The examples helped",
}


def example_for(key: str) -> str | None:
    return EXAMPLES.get(key)
