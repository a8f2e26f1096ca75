using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Platform.AI.Text;

namespace Platform.AI.Offline;

/// <summary>Dispatches an offline prompt to its analysis and writes the Markdown answer.</summary>
internal static partial class OfflineEngine
{
    private const string DisclaimerParagraph = OfflineChatClient.Disclaimer + "\n\n";

    private static readonly string[] DocumentNames = ["document", "proposal", "proposal_text", "text", "content", "context", "input"];

    private static readonly HashSet<string> NotDocuments = new(StringComparer.OrdinalIgnoreCase)
    {
        "passages", "question", "query", "history", "sections", "previous_sections", "instructions", "language", "format",
    };

    public static string Answer(string? promptKey, IReadOnlyDictionary<string, string> variables, string lastUserMessage, CancellationToken ct)
    {
        var key = (promptKey ?? string.Empty).Trim().ToLowerInvariant();
        var question = Variable(variables, "question") ?? Variable(variables, "query");
        if (key == "chatbot.refine")
        {
            return ChatbotOffline.Refine(question ?? lastUserMessage, Variable(variables, "history"));
        }

        if (key == "chatbot.answer" && Variable(variables, "sources") is { } sources)
        {
            return ChatbotOffline.Answer(question ?? lastUserMessage, sources);
        }

        var (documentName, documentText) = PickDocument(variables, lastUserMessage);
        var document = AnalysedDocument.Get(documentText, Variable(variables, "passages"));
        ct.ThrowIfCancellationRequested();

        if (document.Sentences.Count == 0)
        {
            return Disclaimer() + "The document has no readable text to analyse.\n";
        }

        return key switch
        {
            "analyzer.p1" => Summary(document),
            "analyzer.p2" => ProposalReview.StrengthsAndWeaknesses(document),
            "analyzer.p3" => ProposalReview.Methodology(document),
            "analyzer.p4" => ProposalReview.RisksAndCompliance(document),
            "analyzer.p5" => ProposalReview.Recommendations(document),
            "evaluator.internal" when variables.ContainsKey("guidelines") => AlignmentReview.Internal(Variable(variables, "guidelines") ?? string.Empty, document),
            "evaluator.external" when Variable(variables, "alignment") is { } alignment => AlignmentReview.External(alignment),
            "evaluator.delta" when Variable(variables, "alignment") is { } alignment => AlignmentReview.Delta(alignment),
            _ when key.EndsWith(".followup", StringComparison.Ordinal) || key == "chatbot.answer" || question is not null =>
                Followup(document, question ?? lastUserMessage),
            _ => Generic(document, References(variables, documentName)),
        };
    }

    internal static string Disclaimer() => DisclaimerParagraph;

    // ---- P1: summary, goals, key figures, structure ----

    private static string Summary(AnalysedDocument doc)
    {
        var sb = AnswerBuilder.Rent().Append(Disclaimer());
        sb.AppendLine("## Summary");
        sb.AppendLine(Invariant($"The {SummarySize(doc)} most central sentences of the document (TextRank), in reading order:"));
        foreach (var s in TopSentences(doc, SummarySize(doc)))
        {
            sb.Append("- ").AppendCite(doc, s).AppendLine();
        }

        var goals = Goals(doc);
        sb.AppendLine().AppendLine("## Stated goals and objectives");
        if (goals.Count == 0)
        {
            sb.AppendLine("- No sentence states a goal, objective or intended outcome in so many words.");
        }

        foreach (var s in goals)
        {
            sb.Append("- ").AppendCite(doc, s).AppendLine();
        }

        sb.AppendLine().AppendLine("## Key figures");
        AppendKeyFigures(sb, doc);
        sb.AppendLine().AppendLine("## Document at a glance");
        AppendStructure(sb, doc);
        return AnswerBuilder.ToStringAndReturn(sb);
    }

    internal static int SummarySize(AnalysedDocument doc) => Math.Clamp((int)Math.Round(doc.Sentences.Count / 35.0), 3, 8);

    /// <summary>
    /// The most central sentences (TextRank, with a mild preference for early and summary sections), skipping
    /// near-duplicates and taking at most two from one section, in reading order.
    /// </summary>
    internal static List<DocSentence> TopSentences(AnalysedDocument doc, int count, Func<DocSentence, bool>? filter = null)
    {
        var centrality = doc.Centrality;
        var max = centrality.DefaultIfEmpty(1).Max();
        var n = Math.Max(1, doc.Sentences.Count);
        double Score(DocSentence s)
        {
            var section = doc.Passages[s.PassageIndex].Section ?? string.Empty;
            var bonus = SummarySection().IsMatch(section) ? 0.3 : 0;
            return (centrality[s.Index] / max * (1 + (0.5 * (1 - ((double)s.Index / n))))) + bonus;
        }

        var chosen = new List<DocSentence>();
        var perSection = new Dictionary<string, int>(StringComparer.Ordinal);
        var candidates = doc.Sentences
            .Where(s => s.WordCount is >= 6 and <= 70 && (filter?.Invoke(s) ?? true))
            .OrderByDescending(Score).ThenBy(s => s.Index);
        foreach (var s in candidates)
        {
            if (chosen.Count >= count)
            {
                break;
            }

            var section = doc.Passages[s.PassageIndex].Section ?? string.Empty;
            if (perSection.GetValueOrDefault(section) >= 2 || Repeats(chosen, s, 0.5))
            {
                continue;
            }

            perSection[section] = perSection.GetValueOrDefault(section) + 1;
            chosen.Add(s);
        }

        // Too few long sentences: take short ones too.
        if (chosen.Count == 0)
        {
            chosen.AddRange(doc.Sentences.OrderByDescending(s => centrality[s.Index]).ThenBy(s => s.Index).Take(count));
        }

        return [.. chosen.OrderBy(s => s.Index)];
    }

    internal static List<DocSentence> Goals(AnalysedDocument doc)
    {
        var strong = doc.Sentences.Where(s => s.WordCount >= 5 && doc.Is(s, Patterns.GoalStrong())).ToList();
        var weak = doc.Sentences.Where(s => s.WordCount >= 6 && !strong.Contains(s) && doc.Is(s, Patterns.Goal()))
            .OrderByDescending(s => doc.HasFigure(s)).ThenByDescending(s => doc.Centrality[s.Index]).ThenBy(s => s.Index);
        return Distinct(strong.Concat(weak), 8).OrderBy(s => s.Index).ToList();
    }

    private static void AppendKeyFigures(StringBuilder sb, AnalysedDocument doc)
    {
        var any = false;
        string FirstAmount(DocSentence s) => doc.MatchesIn(s, Patterns.Money())[0].Value.Trim();
        var totals = doc.Sentences.Where(s => doc.Is(s, Patterns.Money()) && TotalWord().IsMatch(s.Text))
            .DistinctBy(FirstAmount)
            .Take(2).ToList();
        foreach (var s in totals)
        {
            sb.Append("- Total stated: ").Append(FirstAmount(s))
                .Append(" \u2014 ").AppendCite(doc, s, 220).AppendLine();
            any = true;
        }

        var totalValues = totals.Select(FirstAmount).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var amounts = Occurrences(doc, Patterns.Money()).Where(o => !totalValues.Contains(o.Value)).Take(8).ToList();
        if (amounts.Count > 0)
        {
            sb.Append("- Amounts: ").AppendWithLocations(doc, amounts).AppendLine();
            any = true;
        }

        var durations = Occurrences(doc, Patterns.Duration())
            .OrderBy(o => o.Value.Contains("year", StringComparison.OrdinalIgnoreCase) || o.Value.Contains("month", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenByDescending(o => o.Count).ThenBy(o => o.First.Index).Take(5).ToList();
        if (durations.Count > 0)
        {
            sb.Append("- Durations: ").AppendLine(string.Join("; ", durations.Select(d => d.Count > 1 ? Invariant($"{d.Value} (\u00D7{d.Count})") : d.Value)));
            any = true;
        }

        var years = Occurrences(doc, Patterns.Year()).Select(o => o.Value).Order(StringComparer.Ordinal).ToList();
        if (years.Count > 1)
        {
            sb.Append("- Years mentioned: ").Append(years[0]).Append('\u2013').AppendLine(years[^1]);
            any = true;
        }

        var counts = Occurrences(doc, Patterns.Count()).Take(8).ToList();
        if (counts.Count > 0)
        {
            sb.Append("- People and things counted: ").AppendWithLocations(doc, counts).AppendLine();
            any = true;
        }

        var percents = doc.Sentences.Where(s => doc.Is(s, Patterns.Target()) || doc.Is(s, Patterns.Goal()) || doc.Is(s, Patterns.Indicator()))
            .SelectMany(s => doc.MatchesIn(s, Patterns.Percent()).Select(m => m.Value.Trim())).Distinct().Take(8).ToList();
        if (percents.Count > 0)
        {
            sb.Append("- Percentages in goals, targets and indicators: ").AppendLine(string.Join(", ", percents));
            any = true;
        }

        if (!any)
        {
            sb.AppendLine("- The document states no amounts, durations, percentages or counts.");
        }
    }

    internal static void AppendStructure(StringBuilder sb, AnalysedDocument doc)
    {
        var paragraphs = doc.Passages.Count(p => !p.IsHeading);
        var pages = doc.PageCount is { } pc ? Invariant($"{pc} pages") : Invariant($"about {Math.Max(1, (int)Math.Round(doc.WordCount / 500.0))} pages at 500 words a page");
        var avg = doc.Sentences.Count == 0 ? 0 : doc.Sentences.Average(s => s.WordCount);
        sb.AppendLine(Invariant($"- Length: {doc.WordCount:N0} words, {doc.Sentences.Count:N0} sentences in {paragraphs:N0} paragraphs ({pages}); {avg:0.#} words a sentence on average."));
        if (doc.Headings.Count > 0)
        {
            var shown = doc.Headings.Distinct(StringComparer.OrdinalIgnoreCase).Take(15).ToList();
            sb.Append(Invariant($"- Sections ({doc.Headings.Count}): ")).Append(string.Join("; ", shown));
            sb.AppendLine(doc.Headings.Count > shown.Count ? "; \u2026" : string.Empty);
        }
        else
        {
            sb.AppendLine("- Sections: no headings were recognised.");
        }

        if (doc.KeyPhrases.Count > 0)
        {
            sb.Append("- Key terms (RAKE): ");
            for (var i = 0; i < Math.Min(10, doc.KeyPhrases.Count); i++)
            {
                var (phrase, frequency) = (doc.KeyPhrases[i].Phrase, doc.KeyPhrases[i].Frequency);
                sb.Append(i > 0 ? ", " : string.Empty).Append(phrase);
                if (frequency > 1)
                {
                    sb.Append(CultureInfo.InvariantCulture, $" (\u00D7{frequency})");
                }
            }

            sb.AppendLine();
        }
    }

    // ---- Follow-up questions ----

    private static string Followup(AnalysedDocument doc, string question)
    {
        var sb = AnswerBuilder.Rent().Append(OfflineChatClient.Disclaimer).AppendLine();
        sb.AppendLine("The passages of the document that best match the question (BM25 ranking), quoted with their location.").AppendLine();
        sb.Append("**Question:** ").AppendLine(question.Trim()).AppendLine();

        var queryTerms = WordTokenizer.Terms(question);
        // BM25 first; among the best ten, passages that hold the kind of answer asked for (a date for "when", an
        // amount for "how much") move up.
        var answerKind = AnswerKind(question);
        var hits = doc.PassageIndex.Search(queryTerms, 10)
            .Where(h => !doc.Passages[h.Index].IsHeading)
            .Select(h => answerKind?.IsMatch(doc.Passages[h.Index].Text) == true ? h with { Score = h.Score * 1.3 } : h)
            .OrderByDescending(h => h.Score).ThenBy(h => h.Index)
            .Take(3)
            .ToList();
        if (hits.Count == 0)
        {
            sb.AppendLine("No passage of the document shares a term with the question. What the document is mainly about:");
            foreach (var s in TopSentences(doc, 3))
            {
                sb.Append("- ").AppendCite(doc, s).AppendLine();
            }

            sb.AppendLine();
            AppendStructure(sb, doc);
            return AnswerBuilder.ToStringAndReturn(sb);
        }

        // The single best sentence: from the top passages, by BM25 over their sentences.
        var candidates = doc.Sentences.Where(s => hits.Any(h => h.Index == s.PassageIndex)).ToList();
        var sentenceIndex = new Bm25Index(candidates.Select(s => (IReadOnlyList<string>)s.Terms));
        var best = sentenceIndex.Search(queryTerms, 1) is [var top] ? candidates[top.Index] : null;
        if (best is not null)
        {
            sb.AppendLine("## Most relevant sentence");
            sb.Append("> ").AppendLine(best.Text);
            sb.Append("\u2014 ").AppendLine(doc.Location(best)).AppendLine();
        }

        sb.AppendLine("## Best-matching passages");
        var rank = 0;
        foreach (var hit in hits)
        {
            var passage = doc.Passages[hit.Index];
            rank++;
            sb.AppendLine(Invariant($"{rank}. {Capitalise(doc.Location(hit.Index))} (relevance {hit.Score:0.0})"));
            sb.Append("   > ").AppendLine(Excerpt(passage.Text, best is not null && best.PassageIndex == hit.Index ? best.Text : null, 700).Replace("\n", " ", StringComparison.Ordinal));
        }

        var figures = hits.SelectMany(h => Patterns.Figures(doc.Passages[h.Index].Text)).Distinct().Take(10).ToList();
        if (figures.Count > 0)
        {
            sb.AppendLine().Append("## Figures in these passages").AppendLine().AppendLine(string.Join("; ", figures));
        }

        var hitTerms = hits.Select(h => WordTokenizer.Terms(doc.Passages[h.Index].Text)).ToList();
        var matched = queryTerms.Distinct().Where(t => hitTerms.Any(terms => terms.Contains(t))).ToList();
        var terms = Rake.Extract(string.Join("\n", hits.Select(h => doc.Passages[h.Index].Text)), top: 6, minFrequency: 1);
        sb.AppendLine().AppendLine("## Key terms");
        if (matched.Count > 0)
        {
            sb.Append("- Question terms found: ").AppendLine(string.Join(", ", matched));
        }

        var missing = queryTerms.Distinct().Except(matched).ToList();
        if (missing.Count > 0)
        {
            sb.Append("- Question terms not found in these passages: ").AppendLine(string.Join(", ", missing));
        }

        if (terms.Count > 0)
        {
            sb.Append("- In the passages: ").AppendLine(string.Join(", ", terms.Select(t => t.Phrase)));
        }

        return AnswerBuilder.ToStringAndReturn(sb);
    }

    private static Regex? AnswerKind(string question) =>
        WhenQuestion().IsMatch(question) ? Temporal()
        : HowMuchQuestion().IsMatch(question) ? Patterns.Money()
        : HowManyQuestion().IsMatch(question) ? Patterns.Count()
        : WhoQuestion().IsMatch(question) ? Patterns.Partner()
        : null;

    // ---- Anything else ----

    private static string Generic(AnalysedDocument doc, IReadOnlyList<(string Name, string Text)> references)
    {
        var sb = AnswerBuilder.Rent().Append(Disclaimer());
        sb.AppendLine("## Summary");
        foreach (var s in TopSentences(doc, SummarySize(doc)))
        {
            sb.Append("- ").AppendCite(doc, s).AppendLine();
        }

        foreach (var (name, text) in references)
        {
            var phrases = Rake.Extract(text, top: 24, minFrequency: 1).Where(p => p.Phrase.Contains(' ', StringComparison.Ordinal)).Take(12).ToList();
            if (phrases.Count == 0)
            {
                continue;
            }

            sb.AppendLine().Append("## Coverage of the key terms of \u201C").Append(name).AppendLine("\u201D");
            foreach (var phrase in phrases)
            {
                var terms = WordTokenizer.Terms(phrase.Phrase);
                var hit = doc.PassageIndex.Search(terms, 4).FirstOrDefault(h => !doc.Passages[h.Index].IsHeading);
                var passageTerms = hit.Score > 0 ? WordTokenizer.Terms(doc.Passages[hit.Index].Text) : [];
                var covered = hit.Score > 0 && terms.All(passageTerms.Contains);
                sb.Append("- ").Append(phrase.Phrase).Append(": ")
                    .AppendLine(covered ? $"addressed ({doc.Location(hit.Index)})" : hit.Score > 0 ? $"partly ({doc.Location(hit.Index)})" : "not found in the document");
            }
        }

        sb.AppendLine().AppendLine("## Document at a glance");
        AppendStructure(sb, doc);
        return AnswerBuilder.ToStringAndReturn(sb);
    }

    // ---- Helpers ----

    // The Append forms write a citation, quote or location straight into the answer, without the strings in between;
    // the string forms are made from them.
    internal static string Cite(AnalysedDocument doc, DocSentence s, int max = 360) => new StringBuilder().AppendCite(doc, s, max).ToString();

    internal static string Quote(string text, int max = 360) => new StringBuilder().AppendQuote(text, max).ToString();

    /// <summary>Appends <see cref="Cite"/>.</summary>
    internal static StringBuilder AppendCite(this StringBuilder sb, AnalysedDocument doc, DocSentence s, int max = 360) =>
        sb.AppendQuote(s.Text, max).Append(" (").AppendLocation(doc, s.PassageIndex).Append(')');

    /// <summary>Appends <see cref="AnalysedDocument.Location(int)"/>.</summary>
    internal static StringBuilder AppendLocation(this StringBuilder sb, AnalysedDocument doc, int passageIndex) =>
        doc.AppendLocation(sb, passageIndex);

    /// <summary>Appends <see cref="Quote"/>.</summary>
    internal static StringBuilder AppendQuote(this StringBuilder sb, ReadOnlySpan<char> text, int max = 360) =>
        sb.Append('\u201C').AppendTruncated(text.Trim(), max).Append('\u201D');

    /// <summary>Appends <see cref="Truncate"/>.</summary>
    internal static StringBuilder AppendTruncated(this StringBuilder sb, ReadOnlySpan<char> text, int max)
    {
        if (text.Length <= max)
        {
            return sb.Append(text);
        }

        var cut = text[..max].LastIndexOf(' ');
        return sb.Append(text[..(cut > max / 2 ? cut : max)].TrimEnd(",;:")).Append('\u2026');
    }

    internal static string Truncate(string text, int max) =>
        text.Length <= max ? text : new StringBuilder(max + 1).AppendTruncated(text, max).ToString();

    /// <summary>Up to <paramref name="max"/> characters of a passage, around <paramref name="focus"/> when given.</summary>
    private static string Excerpt(string passage, string? focus, int max)
    {
        if (passage.Length <= max)
        {
            return passage;
        }

        var at = focus is null ? 0 : Math.Max(0, passage.IndexOf(focus[..Math.Min(focus.Length, 40)], StringComparison.Ordinal));
        var start = Math.Max(0, Math.Min(at - (max / 4), passage.Length - max));
        if (start > 0)
        {
            var space = passage.IndexOf(' ', start);
            start = space > 0 && space < at + 1 ? space + 1 : start;
        }

        var excerpt = Truncate(passage[start..], max);
        return start > 0 ? "\u2026" + excerpt : excerpt;
    }

    internal static IEnumerable<DocSentence> Distinct(IEnumerable<DocSentence> sentences, int count)
    {
        var chosen = new List<DocSentence>();
        foreach (var s in sentences)
        {
            if (chosen.Count >= count)
            {
                break;
            }

            if (!Repeats(chosen, s, 0.7))
            {
                chosen.Add(s);
            }
        }

        return chosen;
    }

    /// <summary>Whether <paramref name="s"/> is one of <paramref name="chosen"/> or shares at least <paramref name="threshold"/> of its terms with one.</summary>
    internal static bool Repeats(List<DocSentence> chosen, DocSentence s, double threshold)
    {
        foreach (var c in chosen)
        {
            if (c.Index == s.Index || Overlap(c, s) >= threshold)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How much of the shorter term list the other shares (0..1), counting distinct terms.</summary>
    internal static double Overlap(IReadOnlyList<string> a, IReadOnlyList<string> b) => Overlap(TermSet(a), TermSet(b));

    /// <summary>As <see cref="Overlap(IReadOnlyList{string}, IReadOnlyList{string})"/>, from the sentences' term sets.</summary>
    internal static double Overlap(DocSentence a, DocSentence b) => Overlap(a.TermSet, b.TermSet);

    /// <summary>Distinct terms in ordinal order.</summary>
    internal static string[] TermSet(IReadOnlyList<string> terms)
    {
        // Sorted first, so duplicates are neighbours and drop out in one pass (no hash set per sentence).
        var set = new string[terms.Count];
        for (var i = 0; i < set.Length; i++)
        {
            set[i] = terms[i];
        }

        Array.Sort(set, string.CompareOrdinal);
        var distinct = 0;
        foreach (var term in set)
        {
            if (distinct == 0 || !string.Equals(set[distinct - 1], term, StringComparison.Ordinal))
            {
                set[distinct++] = term;
            }
        }

        return distinct == set.Length ? set : set[..distinct];
    }

    private static double Overlap(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        // Both sorted: one merge pass counts the shared terms.
        int i = 0, j = 0, shared = 0;
        while (i < a.Length && j < b.Length)
        {
            var order = string.CompareOrdinal(a[i], b[j]);
            if (order == 0)
            {
                shared++;
                i++;
                j++;
            }
            else if (order < 0)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return (double)shared / Math.Min(a.Length, b.Length);
    }

    /// <summary>Each distinct match of <paramref name="regex"/>, with its first sentence and count, in reading order.</summary>
    internal static List<(string Value, DocSentence First, int Count)> Occurrences(AnalysedDocument doc, Regex regex)
    {
        var found = new List<(string Value, DocSentence First, int Count)>();
        var indexes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in doc.Sentences)
        {
            foreach (var m in doc.MatchesIn(s, regex))
            {
                var value = m.Value.Trim();
                ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(indexes, value, out var seen);
                if (seen)
                {
                    var (first, sentence, count) = found[index];
                    found[index] = (first, sentence, count + 1);
                }
                else
                {
                    index = found.Count;
                    found.Add((value, s, 1));
                }
            }
        }

        return found;
    }

    /// <summary>Appends "value (location)" for each occurrence, separated by semicolons.</summary>
    private static StringBuilder AppendWithLocations(this StringBuilder sb, AnalysedDocument doc, List<(string Value, DocSentence First, int Count)> occurrences)
    {
        for (var i = 0; i < occurrences.Count; i++)
        {
            var (value, first, _) = occurrences[i];
            sb.Append(i > 0 ? "; " : string.Empty).Append(value).Append(" (").AppendLocation(doc, first.PassageIndex).Append(')');
        }

        return sb;
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string? Variable(IReadOnlyDictionary<string, string> variables, string name) =>
        variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static (string? Name, string Text) PickDocument(IReadOnlyDictionary<string, string> variables, string lastUserMessage)
    {
        foreach (var name in DocumentNames)
        {
            if (Variable(variables, name) is { } value)
            {
                return (name, value);
            }
        }

        var largest = variables
            .Where(v => !NotDocuments.Contains(v.Key) && !string.IsNullOrWhiteSpace(v.Value))
            .OrderByDescending(v => v.Value.Length).ThenBy(v => v.Key, StringComparer.Ordinal)
            .FirstOrDefault();
        if (largest.Key is not null && (largest.Value.Length >= 200 || !variables.ContainsKey("passages")))
        {
            return (largest.Key, largest.Value);
        }

        return (null, variables.ContainsKey("passages") ? string.Empty : lastUserMessage);
    }

    private static List<(string Name, string Text)> References(IReadOnlyDictionary<string, string> variables, string? documentName) =>
        [.. variables
            .Where(v => v.Key != documentName && !NotDocuments.Contains(v.Key) && v.Value is { Length: >= 300 })
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => (v.Key.Replace('_', ' '), v.Value))];

    [GeneratedRegex(@"^\W*(?:when|by when|how long|how soon|what date|which (?:month|year|quarter|week))\b|\b(?:deadline|schedule|timeline|timing)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WhenQuestion();

    [GeneratedRegex(@"\bhow much\b|\bcost\w*|\bbudget\w*|\bamount\b|\bprice\w*|\bfunding\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HowMuchQuestion();

    [GeneratedRegex(@"\bhow many\b|\bnumber of\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HowManyQuestion();

    [GeneratedRegex(@"^\W*(?:who|with whom|which (?:partners?|organi[sz]ations?))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WhoQuestion();

    [GeneratedRegex(@"\b(?:months?|quarters?|years?|weeks?|days?) \d+\b|\b(?:19|20)\d{2}\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b|\b\d+(?:\.\d+)? (?:months?|years?|weeks?|days?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Temporal();

    [GeneratedRegex(@"summary|overview|introduction|abstract|goal|objective|purpose", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SummarySection();

    [GeneratedRegex(@"\btotal\b|\boverall budget\b|\brequested\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TotalWord();
}
