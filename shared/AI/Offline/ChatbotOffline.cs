using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.AI.Text;

namespace Platform.AI.Offline;

/// <summary>One numbered knowledge-base passage handed to <c>chatbot.answer</c> in its <c>sources</c> variable.</summary>
internal sealed record ChatSource(int Number, string Title, int? Page, int? Paragraph, string Text);

/// <summary>
/// The offline Chatbot: <c>chatbot.refine</c> turns a follow-up ("and its budget?") into a standalone query using the
/// last user turn of the conversation; <c>chatbot.answer</c> answers from the numbered passages it is given, quoting
/// the best-matching sentences and citing them as [n].
/// </summary>
internal static partial class ChatbotOffline
{
    /// <summary>The first line of every offline answer.</summary>
    public const string Disclaimer = "_Offline answer (no language model): quoted from the knowledge base._";

    private static readonly string[] QuestionWords =
    [
        "what", "who", "whom", "whose", "when", "where", "which", "why", "how", "is", "are", "was", "were", "do", "does",
        "did", "can", "could", "will", "would", "should", "has", "have", "had", "tell", "list", "give", "show", "describe",
        "explain", "summarise", "summarize",
    ];

    // ---- chatbot.refine ----

    /// <summary>A standalone search query for <paramref name="question"/> given the conversation so far.</summary>
    /// <param name="question">The latest question.</param>
    /// <param name="history">Earlier turns, one per line as <c>User: ...</c> and <c>Assistant: ...</c>.</param>
    public static string Refine(string question, string? history)
    {
        var q = Collapse(question);
        var previous = LastUserTurn(history);
        if (previous is null)
        {
            return q;
        }

        var leading = LeadingConnective().Match(q);
        var rest = leading.Success ? q[leading.Length..].TrimStart() : q;
        var ownSubject = Subject(rest, allowFirstWord: leading.Success);
        var anaphoric = Pronoun().IsMatch(rest) || Possessive().IsMatch(rest);
        if (!leading.Success && !anaphoric && WordTokenizer.Terms(q).Count >= 3)
        {
            return q;
        }

        var previousSubject = Subject(previous, allowFirstWord: false);

        // "and Project Borealis?": the previous question, asked about the new subject.
        if (leading.Success && !anaphoric && ownSubject is not null && previousSubject is not null
            && WordTokenizer.Terms(rest).Count <= WordTokenizer.Terms(ownSubject).Count + 1)
        {
            return previous.Replace(previousSubject, ownSubject, StringComparison.Ordinal);
        }

        var subject = previousSubject ?? KeyPhrase(previous);
        if (subject is null)
        {
            return q;
        }

        var mark = rest.EndsWith('?') ? "?" : string.Empty;
        var body = rest.TrimEnd('?', '.', '!', ' ');
        string refined;
        if (Possessive().Match(body) is { Success: true } possessive)
        {
            // "its total budget" -> "the total budget of Project Aurora"
            var nounEnd = NounPhraseEnd(body, possessive.Index + possessive.Length);
            refined = body[..possessive.Index] + "the " + body[(possessive.Index + possessive.Length)..nounEnd].Trim()
                + " of " + subject + body[nounEnd..];
        }
        else if (Pronoun().Match(body) is { Success: true } pronoun)
        {
            // "when does it start" -> "when does Project Aurora start"
            refined = body[..pronoun.Index] + subject + body[(pronoun.Index + pronoun.Length)..];
        }
        else
        {
            // "the timeline" -> "the timeline of Project Aurora"
            refined = body + " of " + subject;
        }

        refined = Collapse(refined);
        var firstWord = refined.Split(' ', 2)[0].ToLowerInvariant();
        if (!QuestionWords.Contains(firstWord))
        {
            var plural = refined.Split(' ').Skip(1).FirstOrDefault() is { } noun && noun.EndsWith('s') && !noun.EndsWith("ss", StringComparison.Ordinal);
            refined = (plural ? "What are " : "What is ") + refined;
        }

        return char.ToUpperInvariant(refined[0]) + refined[1..] + (mark.Length > 0 ? mark : "?");
    }

    private static string? LastUserTurn(string? history)
    {
        if (string.IsNullOrWhiteSpace(history))
        {
            return null;
        }

        var last = history.Split('\n').Select(l => l.Trim())
            .LastOrDefault(l => l.StartsWith("User:", StringComparison.OrdinalIgnoreCase));
        var text = last is null ? history.Trim() : last[5..].Trim();
        return text.Length == 0 ? null : Collapse(text);
    }

    /// <summary>
    /// The named subject of a question: the longest run of capitalised words or numbers (with "of", "the", "for",
    /// "and" inside), the first word excepted unless <paramref name="allowFirstWord"/> (it is capitalised anyway).
    /// </summary>
    private static string? Subject(string text, bool allowFirstWord)
    {
        var words = WordRun().Matches(text).Select(m => (m.Value, m.Index)).ToList();
        string? best = null;
        var i = 0;
        while (i < words.Count)
        {
            var skipFirst = i == 0 && (QuestionWords.Contains(words[i].Value.ToLowerInvariant())
                || (!allowFirstWord && (words.Count < 2 || !IsNamePart(words[1].Value))));
            if (!IsNamePart(words[i].Value) || skipFirst)
            {
                i++;
                continue;
            }

            var j = i + 1;
            while (j < words.Count && (IsNamePart(words[j].Value)
                || (Connector().IsMatch(words[j].Value) && j + 1 < words.Count && IsNamePart(words[j + 1].Value))))
            {
                j++;
            }

            var start = words[i].Index;
            var end = words[j - 1].Index + words[j - 1].Value.Length;
            var candidate = text[start..end];
            if (best is null || candidate.Length > best.Length)
            {
                best = candidate;
            }

            i = j;
        }

        return best;
    }

    private static bool IsNamePart(string word) =>
        word.Length > 0 && (char.IsUpper(word[0]) || char.IsDigit(word[0])) && !Pronoun().IsMatch(word) && !string.Equals(word, "I", StringComparison.Ordinal);

    private static string? KeyPhrase(string text) =>
        Rake.Extract(text, top: 1, minFrequency: 1) is [var phrase] ? phrase.Phrase : null;

    /// <summary>Where the noun phrase starting at <paramref name="start"/> ends: at punctuation or a stop word after its first word.</summary>
    private static int NounPhraseEnd(string text, int start)
    {
        var end = start;
        var words = 0;
        foreach (Match word in WordRun().Matches(text[start..]))
        {
            if (words > 0 && (StopWords.IsStopWord(word.Value.ToLowerInvariant()) || HasPunctuationBetween(text, end, start + word.Index)))
            {
                break;
            }

            end = start + word.Index + word.Length;
            words++;
            if (words == 3)
            {
                break;
            }
        }

        return end;
    }

    private static bool HasPunctuationBetween(string text, int from, int to) =>
        text.AsSpan(from, Math.Max(0, to - from)).IndexOfAny(",;:()") >= 0;

    private static string Collapse(string text) => Whitespace().Replace(text.Trim(), " ");

    // ---- chatbot.answer ----

    /// <summary>An answer quoted from <paramref name="sources"/> (the JSON <c>sources</c> variable), citing them as [n].</summary>
    public static string Answer(string question, string sources)
    {
        var list = ReadSources(sources);
        var sb = new StringBuilder(Disclaimer).AppendLine().AppendLine();
        if (list.Count == 0)
        {
            sb.AppendLine("I could not find anything about this in the knowledge base.");
            return sb.ToString();
        }

        var queryTerms = WordTokenizer.Terms(question);
        var sentences = list
            .SelectMany((source, rank) => SentenceSplitter.Split(source.Text)
                .Where(s => s.Text.Length >= 12)
                .Select(s => (Source: source, Rank: rank, s.Text)))
            .ToList();
        var index = new Bm25Index(sentences.Select(s => s.Text));
        // A sentence counts as much as its passage matches the whole question: "the partners of Project Borealis"
        // shares "partners" with a question about Project Aurora, but its passage never names Aurora.
        var passages = new Bm25Index(list.Select(s => s.Text));
        var passageScores = list.Select((_, i) => passages.Score(queryTerms, i)).ToList();
        var bestPassage = Math.Max(passageScores.DefaultIfEmpty(0).Max(), double.Epsilon);
        var scored = sentences
            .Select((s, i) => (s.Source, s.Rank, s.Text,
                Score: index.Score(queryTerms, i) * (passageScores[s.Rank] / bestPassage) * (1 + (0.5 / (s.Rank + 1)))))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score).ThenBy(s => s.Rank)
            .ToList();
        // Sentences far weaker than the best share only a common word with the question ("project").
        scored = [.. scored.Where(s => s.Score >= scored[0].Score * 0.5)];

        var chosen = new List<(ChatSource Source, string Text)>();
        foreach (var candidate in scored)
        {
            if (chosen.Count == 3)
            {
                break;
            }

            var terms = WordTokenizer.Terms(candidate.Text);
            if (chosen.Any(c => OfflineEngine.Overlap(WordTokenizer.Terms(c.Text), terms) >= 0.7))
            {
                continue;
            }

            chosen.Add((candidate.Source, candidate.Text));
        }

        if (chosen.Count == 0)
        {
            // Semantic search found passages that share no word with the question: show the nearest, plainly labelled.
            var top = list[0];
            var opening = SentenceSplitter.SplitToStrings(top.Text).FirstOrDefault() ?? top.Text;
            sb.AppendLine("No passage of the knowledge base uses the words of the question; the closest one is:").AppendLine();
            sb.Append("> ").Append(OfflineEngine.Quote(opening, 400)).Append(' ').AppendLine(Cite(top.Number));
            AppendSources(sb, [top]);
            return sb.ToString();
        }

        sb.Append("**Question:** ").AppendLine(Collapse(question)).AppendLine();
        sb.AppendLine("From the knowledge base:").AppendLine();
        foreach (var (source, text) in chosen)
        {
            sb.Append("- ").Append(OfflineEngine.Quote(text, 500)).Append(' ').AppendLine(Cite(source.Number));
        }

        var figures = chosen.SelectMany(c => Patterns.Figures(c.Text)).Distinct().Take(8).ToList();
        if (figures.Count > 0)
        {
            sb.AppendLine().Append("Figures: ").AppendLine(string.Join("; ", figures));
        }

        AppendSources(sb, chosen.Select(c => c.Source).DistinctBy(s => s.Number).OrderBy(s => s.Number));
        return sb.ToString();
    }

    private static void AppendSources(StringBuilder sb, IEnumerable<ChatSource> sources)
    {
        sb.AppendLine().AppendLine("Sources:");
        foreach (var source in sources)
        {
            sb.Append(Cite(source.Number)).Append(' ').AppendLine(Location(source));
        }
    }

    private static string Cite(int number) => "[" + number.ToString(CultureInfo.InvariantCulture) + "]";

    private static string Location(ChatSource source)
    {
        var where = source.Page is { } page ? string.Create(CultureInfo.InvariantCulture, $", page {page}")
            : source.Paragraph is { } paragraph ? string.Create(CultureInfo.InvariantCulture, $", paragraph {paragraph}")
            : string.Empty;
        return source.Title + where;
    }

    private static List<ChatSource> ReadSources(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ChatSource>>(json, SourceJson) is { } list
                ? [.. list.Where(s => !string.IsNullOrWhiteSpace(s.Text)).OrderBy(s => s.Number)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static readonly JsonSerializerOptions SourceJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    [GeneratedRegex(@"^(?:and|but|also|so|ok(?:ay)?|then|what about|how about|and what about|and how about)\b[,\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LeadingConnective();

    [GeneratedRegex(@"\b(?:it|they|them|this|that|these|those|he|she|him|there)\b(?:\s+(?:project|programme|program|proposal|document|one|initiative|grant|plan))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pronoun();

    [GeneratedRegex(@"\b(?:its|their|his|her)\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Possessive();

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}'\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex WordRun();

    [GeneratedRegex("^(?:of|the|for|and|de|du|la|le)$", RegexOptions.CultureInvariant)]
    private static partial Regex Connector();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
