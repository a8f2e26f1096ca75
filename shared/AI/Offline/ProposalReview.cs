using System.Text;
using System.Text.RegularExpressions;
using static Platform.AI.Offline.OfflineEngine;

namespace Platform.AI.Offline;

/// <summary>One element a proposal is expected to cover, and whether this one does.</summary>
internal sealed record ChecklistItem(string Name, string Missing, string Advice, string Priority, int Mentions, DocSentence? Evidence)
{
    public bool Present => Mentions > 0;
}

/// <summary>A stated risk and the mitigation found with it.</summary>
internal sealed record RiskFinding(DocSentence Risk, DocSentence? Mitigation, string Rating);

/// <summary>The rating of one compliance area.</summary>
internal sealed record ComplianceArea(string Name, string Rating, string Basis, DocSentence? Evidence);

/// <summary>P2..P5: strengths and weaknesses, methodology, risks and compliance, recommendations.</summary>
internal static partial class ProposalReview
{
    private const string High = "High";
    private const string Medium = "Medium";
    private const string Low = "Low";

    // ---- P2 ----

    public static string StrengthsAndWeaknesses(AnalysedDocument doc)
    {
        var sb = AnswerBuilder.Rent().Append(Disclaimer());
        var strengths = Strengths(doc);
        sb.AppendLine("## Strengths");
        sb.AppendLine("Passages backed by figures, baselines, partners or prior evidence:");
        if (strengths.Count == 0)
        {
            sb.AppendLine("- No passage combines figures with baselines, partners or evidence.");
        }

        foreach (var (s, reasons) in strengths)
        {
            sb.Append("- ").AppendCite(doc, s).Append(" \u2014 ").AppendLine(string.Join(", ", reasons));
        }

        var checklist = Checklist(doc);
        foreach (var item in checklist.Where(i => i.Present && i.Priority == High).Take(4))
        {
            sb.Append("- Covers ").Append(item.Name.ToLowerInvariant()).Append(Invariant($" ({item.Mentions} passages")).AppendLine(item.Evidence is null ? ")." : $", e.g. {doc.Location(item.Evidence)}).");
        }

        sb.AppendLine().AppendLine("## Weaknesses");
        var missing = checklist.Where(i => !i.Present).ToList();
        foreach (var item in missing)
        {
            sb.Append("- ").AppendLine(item.Missing);
        }

        var vague = VagueSentences(doc);
        if (vague.Count > 0)
        {
            sb.AppendLine("- Claims in general terms, without figures:");
            foreach (var (s, cues) in vague.Take(6))
            {
                sb.Append("  - ").AppendCite(doc, s, 260).Append(" \u2014 ").AppendLine(string.Join(", ", cues.Select(c => $"\u201C{c}\u201D")));
            }
        }

        if (missing.Count == 0 && vague.Count == 0)
        {
            sb.AppendLine("- No gap found by the checks (baselines, targets, indicators, M&E, risks, budget, timeline, partners, sustainability, inclusion, safeguarding).");
        }

        sb.AppendLine().AppendLine("## Evidence density");
        var withFigures = doc.Sentences.Count(s => doc.HasFigure(s));
        var vagueCount = doc.Sentences.Sum(s => doc.CountOf(s, Patterns.Vague()));
        sb.AppendLine(Invariant($"- {withFigures} of {doc.Sentences.Count} sentences ({Percent(withFigures, doc.Sentences.Count)}) state a figure: {doc.Total(Patterns.Money())} amounts, {doc.Total(Patterns.Percent())} percentages, {doc.Total(Patterns.Count())} counts of people or things."));
        sb.AppendLine(Invariant($"- {vagueCount} vague expressions; {doc.Sentences.Count(s => doc.Is(s, Patterns.Baseline()))} sentences give a baseline, {doc.Sentences.Count(s => doc.Is(s, Patterns.Partner()))} name partners, {doc.Sentences.Count(s => doc.Is(s, Patterns.Evidence()))} cite evidence or experience."));
        return AnswerBuilder.ToStringAndReturn(sb);
    }

    /// <summary>The sentences backed by figures, baselines, partners or evidence (shared by P2 and P5).</summary>
    internal static IReadOnlyList<(DocSentence Sentence, List<string> Reasons)> Strengths(AnalysedDocument doc) =>
        doc.Finding(nameof(Strengths), FindStrengths);

    private static List<(DocSentence Sentence, List<string> Reasons)> FindStrengths(AnalysedDocument doc)
    {
        var maxCentrality = doc.Centrality.DefaultIfEmpty(1).Max();
        var scored = new List<(DocSentence, List<string>, double)>();
        foreach (var s in doc.Sentences)
        {
            if (s.WordCount < 6)
            {
                continue;
            }

            var figures = doc.FiguresBesidesYears(s);
            var baseline = doc.Is(s, Patterns.Baseline());
            var partners = doc.Is(s, Patterns.Partner());
            var evidence = doc.Is(s, Patterns.Evidence());
            var sustainability = doc.Is(s, Patterns.Sustainability());
            var score = 0.0;
            if (figures.Count > 0)
            {
                score += 2 + Math.Min(2, figures.Count * 0.5);
            }

            if (baseline)
            {
                score += 2;
            }

            if (partners)
            {
                score += 1.5;
            }

            if (evidence)
            {
                score += 1.5;
            }

            if (sustainability)
            {
                score += 1;
            }

            score -= doc.CountOf(s, Patterns.Vague());
            var reasonCount = (figures.Count > 0 ? 1 : 0) + (baseline ? 1 : 0) + (partners ? 1 : 0) + (evidence ? 1 : 0) + (sustainability ? 1 : 0);
            if (reasonCount < 2 || score < 3.5)
            {
                continue;
            }

            // The reasons are written only for the sentences that qualify.
            var reasons = new List<string>(reasonCount);
            if (figures.Count > 0)
            {
                reasons.Add("figures: " + string.Join(", ", figures.Take(4)));
            }

            AddIf(reasons, baseline, "baseline");
            AddIf(reasons, partners, "partners");
            AddIf(reasons, evidence, "evidence or track record");
            AddIf(reasons, sustainability, "sustainability");
            scored.Add((s, reasons, score + (doc.Centrality[s.Index] / maxCentrality)));
        }

        return [.. Distinct(scored.OrderByDescending(x => x.Item3).ThenBy(x => x.Item1.Index).Select(x => x.Item1), 6)
            .OrderBy(s => s.Index)
            .Select(s => (s, scored.First(x => x.Item1 == s).Item2))];
    }

    private static void AddIf(List<string> reasons, bool condition, string reason)
    {
        if (condition)
        {
            reasons.Add(reason);
        }
    }

    /// <summary>Sentences that claim in general terms, without figures (shared by P2 and P5).</summary>
    internal static IReadOnlyList<(DocSentence Sentence, List<string> Cues)> VagueSentences(AnalysedDocument doc) =>
        doc.Finding(nameof(VagueSentences), FindVagueSentences);

    private static List<(DocSentence Sentence, List<string> Cues)> FindVagueSentences(AnalysedDocument doc) =>
        [.. doc.Sentences
            .Where(s => s.WordCount >= 6 && !doc.HasFigure(s))
            .Select(s => (Sentence: s, Cues: doc.MatchesIn(s, Patterns.Vague()).Concat(doc.MatchesIn(s, Patterns.Overclaim())).Select(m => m.Value.ToLowerInvariant()).Distinct().ToList()))
            .Where(x => x.Cues.Count >= 2 || (x.Cues.Count == 1 && doc.Is(x.Sentence, Patterns.Overclaim())))
            .OrderByDescending(x => x.Cues.Count).ThenBy(x => x.Sentence.Index)
            .Take(8)
            .OrderBy(x => x.Sentence.Index)];

    /// <summary>What the proposal covers of what is expected (shared by P2 and P5).</summary>
    internal static IReadOnlyList<ChecklistItem> Checklist(AnalysedDocument doc) => doc.Finding(nameof(Checklist), FindChecklist);

    private static List<ChecklistItem> FindChecklist(AnalysedDocument doc)
    {
        ChecklistItem Item(string name, Regex regex, string missing, string advice, string priority, int minimum = 1)
        {
            // The example shown: one that states a figure, then the most central, then the first (no sort needed).
            var matches = 0;
            DocSentence? evidence = null;
            foreach (var s in doc.Sentences)
            {
                if (doc.Is(s, regex))
                {
                    matches++;
                    evidence = evidence is null || IsBetterExample(s, evidence) ? s : evidence;
                }
            }

            return new ChecklistItem(name, missing, advice, priority, matches >= minimum ? matches : 0, evidence);
        }

        bool IsBetterExample(DocSentence s, DocSentence than)
        {
            var (figure, thanFigure) = (doc.HasFigure(s), doc.HasFigure(than));
            return figure != thanFigure ? figure : doc.Centrality[s.Index] > doc.Centrality[than.Index];
        }

        return
        [
            Item("Baselines", Patterns.Baseline(), "No baseline values are stated: progress cannot be measured against a starting point.",
                "State the baseline value (with source and year) for each indicator.", High),
            Item("Targets", Patterns.Target(), "No targets or end dates are stated for the results.",
                "Give each result a numeric target and the date by which it will be reached.", High),
            Item("Indicators", Patterns.Indicator(), "No indicators say how success will be measured.",
                "Define SMART indicators for each outcome, with means of verification.", High),
            Item("Monitoring and evaluation", Patterns.Monitoring(), "No monitoring and evaluation arrangements are described.",
                "Describe the M&E plan: data collection, frequency, responsibilities, mid-term and final evaluation.", High),
            Item("Risk management", Patterns.Mitigation(), "Risks are not matched with mitigation measures.",
                "Add a risk matrix: each risk with likelihood, impact, mitigation and owner.", High),
            Item("Budget breakdown", Patterns.Money(), "The budget is not broken down into amounts (fewer than three figures found).",
                "Break the budget down by line and activity, with unit costs and co-financing.", High, minimum: 3),
            Item("Safeguarding", Patterns.Safeguarding(), "Safeguarding (child protection, PSEA, complaints mechanism) is not addressed.",
                "Add the safeguarding policy, a focal point and a complaints and feedback mechanism.", High),
            Item("Timeline", Patterns.Timeline(), "No work plan, timeline or milestones are given.",
                "Add a work plan with phases, milestones and the months or quarters of each activity.", Medium),
            Item("Partners", Patterns.Partner(), "No partners or government counterparts are named.",
                "Name the partners and their roles (with MoUs or letters of support).", Medium),
            Item("Sustainability", Patterns.Sustainability(), "Nothing says how results will last after the funding ends.",
                "Add an exit and sustainability strategy: who takes over, with what funding.", Medium),
            Item("Beneficiary numbers", Patterns.Count(), "The number of people to be reached is not stated.",
                "State how many people (disaggregated by sex and age) the project will reach.", Medium),
            Item("Gender and inclusion", Patterns.Inclusion(), "Gender, disability and inclusion are not addressed.",
                "Explain how women, youth and people with disabilities take part and benefit.", Low),
            Item("Reporting", Patterns.Reporting(), "No reporting arrangements are described.",
                "State what reports are sent to the funder and how often.", Low),
        ];
    }

    // ---- P3 ----

    public static string Methodology(AnalysedDocument doc)
    {
        var sb = AnswerBuilder.Rent().Append(Disclaimer());
        sb.AppendLine("## Methodology and evidence");
        sb.AppendLine("Sentences about activities, indicators, baselines, targets and monitoring, with the figures they state.");
        var categories = new (string Name, Regex Regex, string None, Regex Home)[]
        {
            ("Activities", Patterns.Activity(), "No activities are described.", ActivitiesHome()),
            ("Indicators", Patterns.Indicator(), "No indicators are defined.", IndicatorsHome()),
            ("Baselines", Patterns.Baseline(), "No baseline values are given.", BaselinesHome()),
            ("Targets", Patterns.Target(), "No targets are set.", TargetsHome()),
            ("Monitoring, evaluation and learning", Patterns.Monitoring(), "No monitoring or evaluation arrangements are described.", MonitoringHome()),
        };

        Span<char> unitBuffer = stackalloc char[MaxPassageUnit];
        var counts = new List<string>();
        foreach (var (name, regex, none, home) in categories)
        {
            var matches = new List<DocSentence>();
            foreach (var s in doc.Sentences)
            {
                if (s.WordCount >= 5 && doc.Is(s, regex))
                {
                    matches.Add(s);
                }
            }

            counts.Add(Invariant($"{name.ToLowerInvariant()} {matches.Count}"));
            sb.AppendLine().Append("### ").AppendLine(name);
            if (matches.Count == 0)
            {
                sb.Append("- ").AppendLine(none);
                continue;
            }

            foreach (var s in Shown(doc, matches, regex, home))
            {
                sb.Append("- ").AppendQuote(Unit(doc, s, unitBuffer), 420).Append(" (").AppendLocation(doc, s.PassageIndex).Append(')');
                var figures = IsPassageUnit(doc, s) ? doc.FiguresOfPassage(s.PassageIndex) : doc.FiguresOf(s);
                if (figures.Count > 0)
                {
                    AppendDistinct(sb.Append(" \u2014 figures: "), figures, 6);
                }

                sb.AppendLine();
            }

            if (matches.Count > 5)
            {
                sb.AppendLine(Invariant($"- \u2026 and {matches.Count - 5} more."));
            }
        }

        // Indicators are measurable when their paragraph gives a baseline and a target too.
        var indicatorPassages = doc.Passages.Where(p => !p.IsHeading && Patterns.Indicator().IsMatch(p.Text)).ToList();
        var complete = indicatorPassages.Where(p => Patterns.Baseline().IsMatch(p.Text) && Patterns.Target().IsMatch(p.Text)).ToList();
        sb.AppendLine().AppendLine("### Measurability");
        sb.AppendLine(Invariant($"- Sentences found per topic: {string.Join(", ", counts)}."));
        sb.AppendLine(Invariant($"- {complete.Count} of {indicatorPassages.Count} paragraphs that name indicators also give a baseline and a target."));
        foreach (var p in complete.Take(3))
        {
            sb.Append("  - ").AppendQuote(p.Text, 260).Append(" (").AppendLocation(doc, p.Index).AppendLine(")");
        }

        if (indicatorPassages.Count > 0 && complete.Count == 0)
        {
            sb.AppendLine("- Indicators are named without a baseline and target next to them: measurement is not yet specified.");
        }

        return AnswerBuilder.ToStringAndReturn(sb);
    }

    // ---- P4 ----

    public static string RisksAndCompliance(AnalysedDocument doc)
    {
        var sb = AnswerBuilder.Rent().Append(Disclaimer());
        var risks = Risks(doc);
        var areas = Compliance(doc);
        var overall = areas.Any(a => a.Rating == High) ? High : areas.Count(a => a.Rating == Medium) >= 2 ? Medium : Low;

        sb.AppendLine("## Risk and compliance overview");
        sb.Append("Overall rating: **").Append(overall).AppendLine("** (the highest area rating; medium when two or more areas are medium).");
        foreach (var area in areas)
        {
            sb.Append("- ").Append(area.Name).Append(": **").Append(area.Rating).Append("** \u2014 ").Append(area.Basis);
            sb.AppendLine(area.Evidence is null ? string.Empty : $" ({doc.Location(area.Evidence)})");
        }

        sb.AppendLine().AppendLine("## Risks stated in the document");
        if (risks.Count == 0)
        {
            sb.AppendLine("- The document names no risks.");
        }

        foreach (var risk in risks.Take(10))
        {
            sb.Append("- [").Append(risk.Rating).Append("] ").AppendCite(doc, risk.Risk, 280).AppendLine();
            sb.Append("  - Mitigation: ");
            if (risk.Mitigation is null || risk.Mitigation == risk.Risk)
            {
                sb.AppendLine(risk.Mitigation is null ? "none found next to this risk." : "stated in the same sentence.");
            }
            else
            {
                sb.AppendCite(doc, risk.Mitigation, 240).AppendLine();
            }
        }

        if (risks.Count > 10)
        {
            sb.AppendLine(Invariant($"- \u2026 and {risks.Count - 10} more risk statements."));
        }

        AppendArea(sb, doc, "Safeguarding", Patterns.Safeguarding());
        AppendArea(sb, doc, "Budget and financial management", Patterns.FinancialControl(), Patterns.Budget());
        AppendArea(sb, doc, "Eligibility", Patterns.Eligibility());
        AppendArea(sb, doc, "Reporting", Patterns.Reporting());
        sb.AppendLine().AppendLine("_Ratings are a heuristic from the wording: high where an area is missing or risks have no mitigation, low where controls are described._");
        return AnswerBuilder.ToStringAndReturn(sb);
    }

    /// <summary>The risks the document states, with their mitigation (shared by P4 and P5).</summary>
    internal static IReadOnlyList<RiskFinding> Risks(AnalysedDocument doc) => doc.Finding(nameof(Risks), FindRisks);

    private static List<RiskFinding> FindRisks(AnalysedDocument doc)
    {
        var findings = new List<RiskFinding>();
        var sentences = doc.Sentences;
        foreach (var s in sentences)
        {
            if (!IsRiskStatement(doc, s))
            {
                continue;
            }

            // Mitigation in the sentence itself, or further on in the same paragraph before the next risk.
            DocSentence? mitigation = doc.Is(s, Patterns.Mitigation()) ? s : null;
            for (var j = s.Index + 1; mitigation is null && j < sentences.Count && sentences[j].PassageIndex == s.PassageIndex; j++)
            {
                if (doc.Is(sentences[j], Patterns.RiskNoun()) && !doc.Is(sentences[j], Patterns.Mitigation()))
                {
                    break;
                }

                if (doc.Is(sentences[j], Patterns.Mitigation()))
                {
                    mitigation = sentences[j];
                }
            }

            var severe = doc.Is(s, Patterns.SevereRisk());
            var low = doc.Is(s, Patterns.LowRisk());
            var rating = (mitigation, severe, low) switch
            {
                (null, true, _) => High,
                (null, _, true) => Medium,
                (null, _, _) => High,
                (_, true, _) => Medium,
                _ => Low,
            };
            findings.Add(new RiskFinding(s, mitigation, rating));
        }

        return findings;
    }

    /// <summary>
    /// A risk the project faces: in a risk section, any sentence about a threat; elsewhere only sentences that say
    /// "risk" or "threat" in so many words, outside background and context sections (which describe the problem, not
    /// the project's risks). Sentences that only describe a mitigation are not risks.
    /// </summary>
    private static bool IsRiskStatement(AnalysedDocument doc, DocSentence s)
    {
        if (s.WordCount < 5 || doc.Is(s, Patterns.Safeguarding()))
        {
            return false;
        }

        var section = doc.Passages[s.PassageIndex].Section ?? string.Empty;
        var inRiskSection = Patterns.RiskSection().IsMatch(section);
        var explicitRisk = doc.Is(s, Patterns.RiskNoun());
        if (!explicitRisk && doc.Is(s, Patterns.Mitigation()))
        {
            return false;
        }

        if (inRiskSection)
        {
            return explicitRisk || doc.Is(s, Patterns.Risk());
        }

        return explicitRisk && !Patterns.ContextSection().IsMatch(section) && !s.Text.Contains("risk section", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The rating of each compliance area (shared by P4 and P5).</summary>
    internal static IReadOnlyList<ComplianceArea> Compliance(AnalysedDocument doc) =>
        doc.Finding(nameof(Compliance), static d => FindCompliance(d, Risks(d)));

    private static List<ComplianceArea> FindCompliance(AnalysedDocument doc, IReadOnlyList<RiskFinding> risks)
    {
        DocSentence? First(Regex regex) => doc.Sentences.FirstOrDefault(s => doc.Is(s, regex));
        int CountOf(Regex regex) => doc.Sentences.Count(s => doc.Is(s, regex));

        var areas = new List<ComplianceArea>();
        var unmitigated = risks.Count(r => r.Mitigation is null);
        areas.Add(risks.Count == 0
            ? new ComplianceArea("Risk management", High, "no risks are identified", null)
            : unmitigated == 0
                ? new ComplianceArea("Risk management", risks.Any(r => r.Rating == Medium) ? Medium : Low, Invariant($"{risks.Count} risks identified, each with a mitigation nearby"), risks[0].Risk)
                : new ComplianceArea("Risk management", unmitigated * 2 > risks.Count ? High : Medium, Invariant($"{risks.Count} risks identified, {unmitigated} without mitigation"), risks.First(r => r.Mitigation is null).Risk));

        var safeguarding = doc.Sentences.Where(s => doc.Is(s, Patterns.Safeguarding())).ToList();
        var controls = safeguarding.Count(s => doc.Is(s, Patterns.SafeguardingControl()));
        areas.Add(safeguarding.Count == 0
            ? new ComplianceArea("Safeguarding", High, "not addressed", null)
            : controls == 0
                ? new ComplianceArea("Safeguarding", Medium, Invariant($"mentioned in {safeguarding.Count} sentences, without a policy, focal point or reporting channel"), safeguarding[0])
                : new ComplianceArea("Safeguarding", Low, Invariant($"{safeguarding.Count} sentences, with policy, training or reporting measures"), safeguarding.First(s => doc.Is(s, Patterns.SafeguardingControl()))));

        var amounts = doc.Total(Patterns.Money());
        var financial = CountOf(Patterns.FinancialControl());
        areas.Add(amounts == 0
            ? new ComplianceArea("Budget and financial management", High, "no amounts are stated", First(Patterns.Budget()))
            : financial == 0
                ? new ComplianceArea("Budget and financial management", Medium, Invariant($"{amounts} amounts stated, but no audit, procurement or financial controls"), First(Patterns.Money()))
                : new ComplianceArea("Budget and financial management", Low, Invariant($"{amounts} amounts stated; audit, procurement or financial controls in {financial} sentences"), First(Patterns.FinancialControl())));

        var eligibility = CountOf(Patterns.Eligibility());
        areas.Add(eligibility == 0
            ? new ComplianceArea("Eligibility", Medium, "the applicant's registration, legal status or eligibility is not stated, so it cannot be checked", null)
            : new ComplianceArea("Eligibility", Low, Invariant($"addressed in {eligibility} sentences"), First(Patterns.Eligibility())));

        var reporting = CountOf(Patterns.Reporting());
        var frequency = doc.Sentences.Count(s => doc.Is(s, Patterns.Reporting()) && doc.Is(s, Patterns.Frequency()));
        areas.Add(reporting == 0
            ? new ComplianceArea("Reporting", High, "no reporting arrangements", null)
            : frequency == 0
                ? new ComplianceArea("Reporting", Medium, Invariant($"reports mentioned in {reporting} sentences, without a frequency"), First(Patterns.Reporting()))
                : new ComplianceArea("Reporting", Low, Invariant($"reporting with a stated frequency in {frequency} sentences"), doc.Sentences.First(s => doc.Is(s, Patterns.Reporting()) && doc.Is(s, Patterns.Frequency()))));
        return areas;
    }

    private static void AppendArea(StringBuilder sb, AnalysedDocument doc, string name, Regex regex, Regex? also = null)
    {
        var matches = doc.Sentences.Where(s => s.WordCount >= 5 && (doc.Is(s, regex) || (also is not null && doc.Is(s, also))))
            .OrderByDescending(s => doc.Is(s, regex)).ThenByDescending(s => doc.HasFigure(s)).ThenBy(s => s.Index);
        var shown = Distinct(matches, 3).OrderBy(s => s.Index).ToList();
        sb.AppendLine().Append("## ").AppendLine(name);
        if (shown.Count == 0)
        {
            sb.AppendLine("- Not addressed in the document.");
        }

        foreach (var s in shown)
        {
            sb.Append("- ").AppendCite(doc, s, 280).AppendLine();
        }
    }

    // ---- P5 ----

    public static string Recommendations(AnalysedDocument doc)
    {
        var sb = AnswerBuilder.Rent().Append(Disclaimer());
        var checklist = Checklist(doc);
        var risks = Risks(doc);
        var areas = Compliance(doc);
        var vague = VagueSentences(doc);
        var recommendations = new List<(string Priority, string Text)>();

        foreach (var item in checklist.Where(i => !i.Present))
        {
            recommendations.Add((item.Priority, $"**{item.Name}.** {item.Advice} (Found: {char.ToLowerInvariant(item.Missing[0])}{item.Missing[1..]})"));
        }

        var indicatorsWithoutBaseline = doc.Sentences
            .Where(s => doc.Is(s, Patterns.Indicator()) && !doc.Is(s, Patterns.Baseline()) && s.WordCount >= 6)
            .ToList();
        if (checklist.First(i => i.Name == "Baselines").Present && indicatorsWithoutBaseline.Count > 0)
        {
            var example = indicatorsWithoutBaseline.OrderByDescending(s => doc.Centrality[s.Index]).ThenBy(s => s.Index).First();
            recommendations.Add((High, Invariant($"**Baselines for every indicator.** {indicatorsWithoutBaseline.Count} indicator sentences have no baseline next to them, e.g. {Cite(doc, example, 220)}. Add the starting value and its source.")));
        }

        foreach (var risk in risks.Where(r => r.Mitigation is null).Take(3))
        {
            recommendations.Add((risk.Rating == High ? High : Medium, $"**Mitigate a stated risk.** {Cite(doc, risk.Risk, 220)} has no mitigation nearby: add the measure, who owns it and the trigger for acting."));
        }

        foreach (var area in areas.Where(a => a.Rating != Low && a.Name is "Safeguarding" or "Budget and financial management" or "Reporting" or "Eligibility"))
        {
            if (checklist.Any(i => !i.Present && area.Name.StartsWith(i.Name.Split(' ')[0], StringComparison.OrdinalIgnoreCase)))
            {
                continue; // already said above
            }

            var advice = area.Name switch
            {
                "Safeguarding" => "Name the safeguarding policy, the focal point and how concerns are reported and handled.",
                "Budget and financial management" => "Describe financial controls: annual external audit, procurement rules, segregation of duties.",
                "Reporting" => "State the reporting schedule (e.g. quarterly narrative and financial reports) and who prepares them.",
                _ => "State the applicant's legal registration and how it meets the funder's eligibility criteria.",
            };
            recommendations.Add((area.Rating, $"**{area.Name}.** Rated {area.Rating.ToLowerInvariant()}: {area.Basis}. {advice}"));
        }

        foreach (var (s, cues) in vague.Take(3))
        {
            recommendations.Add((Medium, $"**Quantify a general claim.** {Cite(doc, s, 220)} relies on {string.Join(", ", cues.Select(c => $"\u201C{c}\u201D"))}: replace with a number, a date or a named group."));
        }

        sb.AppendLine("## Recommendations");
        sb.AppendLine("Derived from what the strengths, methodology and risk checks found missing or vague, most important first.");
        var ordered = recommendations
            .Select((r, i) => (r.Priority, r.Text, Order: i))
            .OrderBy(r => r.Priority switch { High => 0, Medium => 1, _ => 2 }).ThenBy(r => r.Order)
            .Take(12)
            .ToList();
        if (ordered.Count == 0)
        {
            sb.AppendLine("- The checks found no gap. Keep the figures, baselines and mitigation measures current as the proposal is revised.");
        }

        var n = 0;
        foreach (var (priority, text, _) in ordered)
        {
            n++;
            sb.AppendLine(Invariant($"{n}. [{priority}] {text}"));
        }

        var strengths = Strengths(doc);
        if (strengths.Count > 0)
        {
            sb.AppendLine().AppendLine("## Keep");
            foreach (var (s, reasons) in strengths.Take(3))
            {
                sb.Append("- ").AppendCite(doc, s, 220).Append(" \u2014 ").AppendLine(string.Join(", ", reasons));
            }
        }

        sb.AppendLine().AppendLine("## Coverage checklist");
        foreach (var item in checklist)
        {
            sb.Append("- ").Append(item.Present ? "[x] " : "[ ] ").Append(item.Name);
            sb.AppendLine(item.Present ? Invariant($" ({item.Mentions} sentences)") : string.Empty);
        }

        return AnswerBuilder.ToStringAndReturn(sb);
    }

    // The section titles under which P3's topics are at home (a sentence there ranks higher).
    [GeneratedRegex("activit|method|approach|implementation|component|work ?plan", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ActivitiesHome();

    [GeneratedRegex("monitor|evaluation|indicator|logframe|logical framework|results", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IndicatorsHome();

    [GeneratedRegex("monitor|evaluation|indicator|baseline|results|background|problem", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BaselinesHome();

    [GeneratedRegex("objective|goal|indicator|results|monitor|evaluation", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TargetsHome();

    [GeneratedRegex("monitor|evaluation|learning|MEL", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MonitoringHome();

    private const int MaxPassageUnit = 420;

    /// <summary>
    /// The (at most five) matches P3 shows for a topic, in reading order: ranked by the figures and matches they state
    /// (more in the topic's own section), then by centrality, then by position; one a paragraph, no near-duplicates.
    /// </summary>
    private static List<DocSentence> Shown(AnalysedDocument doc, List<DocSentence> matches, Regex regex, Regex home)
    {
        var ranked = new (DocSentence Sentence, int Weight, double Centrality)[matches.Count];
        for (var i = 0; i < ranked.Length; i++)
        {
            var s = matches[i];
            var weight = doc.FiguresBesidesYears(s).Count + doc.CountOf(s, regex) + (home.IsMatch(doc.Passages[s.PassageIndex].Section ?? string.Empty) ? 2 : 0);
            ranked[i] = (s, weight, doc.Centrality[s.Index]);
        }

        // The position breaks every tie, so this order is total and an unstable sort gives what a stable one would.
        Array.Sort(ranked, static (a, b) =>
            a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight)
            : a.Centrality != b.Centrality ? b.Centrality.CompareTo(a.Centrality)
            : a.Sentence.Index.CompareTo(b.Sentence.Index));

        // A paragraph is taken by its best sentence, even when that one is then left out as a near-duplicate.
        var seenPassage = new bool[doc.Passages.Count];
        var shown = new List<DocSentence>(5);
        foreach (var (s, _, _) in ranked)
        {
            if (shown.Count >= 5)
            {
                break;
            }

            if (!seenPassage[s.PassageIndex])
            {
                seenPassage[s.PassageIndex] = true;
                if (!Repeats(shown, s, 0.7))
                {
                    shown.Add(s);
                }
            }
        }

        shown.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return shown;
    }

    /// <summary>Appends the first <paramref name="count"/> distinct values, separated by commas.</summary>
    private static void AppendDistinct(StringBuilder sb, IReadOnlyList<string> values, int count)
    {
        var appended = 0;
        for (var i = 0; i < values.Count && appended < count; i++)
        {
            var seen = false;
            for (var j = 0; j < i && !seen; j++)
            {
                seen = string.Equals(values[j], values[i], StringComparison.Ordinal);
            }

            if (!seen)
            {
                sb.Append(appended++ > 0 ? ", " : string.Empty).Append(values[i]);
            }
        }
    }

    /// <summary>
    /// A short paragraph is quoted whole (an indicator with its baseline and target), its line breaks as spaces, written
    /// into <paramref name="buffer"/>; a long one by its sentence.
    /// </summary>
    private static ReadOnlySpan<char> Unit(AnalysedDocument doc, DocSentence s, Span<char> buffer)
    {
        if (!IsPassageUnit(doc, s))
        {
            return s.Text;
        }

        var text = doc.Passages[s.PassageIndex].Text;
        var unit = buffer[..text.Length];
        text.CopyTo(unit);
        unit.Replace('\n', ' ');
        return unit;
    }

    /// <summary>Whether a sentence is quoted with its whole passage (a short one) rather than alone.</summary>
    private static bool IsPassageUnit(AnalysedDocument doc, DocSentence s) => doc.Passages[s.PassageIndex].Text.Length <= MaxPassageUnit;

    private static string Percent(int part, int total) => total == 0 ? "0%" : Invariant($"{100.0 * part / total:0}%");
}
