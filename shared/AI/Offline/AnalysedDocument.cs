using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.AI.Text;

namespace Platform.AI.Offline;

/// <summary>A paragraph of the document, with where it is.</summary>
internal sealed record Passage(int Index, string Text, int? Page, int Paragraph, string? Section, bool IsHeading);

/// <summary>A sentence of the document, with its passage and index terms.</summary>
internal sealed record DocSentence(int Index, string Text, int PassageIndex, IReadOnlyList<string> Terms, int WordCount)
{
    /// <summary>Its distinct terms in ordinal order (for <see cref="OfflineEngine.Overlap(DocSentence, DocSentence)"/>).</summary>
    public string[] TermSet { get; } = OfflineEngine.TermSet(Terms);
}

/// <summary>
/// A document read once for every offline prompt: passages with locations, headings, sentences, TextRank centrality,
/// and (on demand) BM25 indexes and key phrases. Immutable once built, so prompts run on it concurrently.
/// </summary>
internal sealed class AnalysedDocument
{
    private const int CacheSize = 16;
    private static readonly List<(bool FromPassages, string Source, AnalysedDocument Document)> Cache = [];
    private static readonly Lock CacheGate = new();

    private readonly Lazy<Bm25Index> passageIndex;
    private readonly Lazy<IReadOnlyList<KeyPhrase>> keyPhrases;
    private readonly Lazy<double[]> centrality;
    private readonly ConcurrentDictionary<Regex, Found[][]> found = new();
    private readonly Lazy<IReadOnlyList<string>[]> figures;
    private readonly Lazy<IReadOnlyList<string>[]> figuresBesidesYears;
    private readonly Lazy<bool[]> hasFigure;
    private readonly Lazy<SentenceSearch> sentenceSearch;
    private readonly ConcurrentDictionary<int, IReadOnlyList<string>> passageFigures = new();
    private readonly ConcurrentDictionary<string, object> findings = new(StringComparer.Ordinal);

    private AnalysedDocument(IReadOnlyList<Passage> passages, bool hasLocations)
    {
        Passages = passages;
        HasLocations = hasLocations;
        var sentences = new List<DocSentence>();
        foreach (var passage in passages)
        {
            WordCount += WordTokenizer.CountWords(passage.Text);
            if (passage.IsHeading)
            {
                continue;
            }

            foreach (var s in SentenceSplitter.Split(passage.Text))
            {
                var text = Patterns.BulletPrefix().Replace(s.Text, string.Empty);
                var words = WordTokenizer.CountWords(text);

                // A sentence has at most as many terms as words: the list never grows.
                sentences.Add(new DocSentence(sentences.Count, text, passage.Index, WordTokenizer.Terms(text, capacity: words), words));
            }
        }

        Sentences = sentences;
        PageCount = passages.Max(p => p.Page);
        Headings = [.. passages.Where(p => p.IsHeading).Select(p => p.Text)];

        // Passages are searched with their section title, so "budget" finds the paragraphs under "Budget".
        passageIndex = new(() => new Bm25Index(Passages.Select(SearchTerms)));
        keyPhrases = new(() => Rake.Extract(Passages.Select(p => p.Text).ToList(), top: 12));
        centrality = new(() => TextRank.Rank([.. Sentences.Select(s => s.Terms)]));
        figures = new(() => [.. Sentences.Select(s => (IReadOnlyList<string>)Patterns.Figures((Document: this, Sentence: s), static (regex, x) => x.Document.MatchesIn(x.Sentence, regex)))]);
        figuresBesidesYears = new(() => [.. Sentences.Select(s => WithoutYears(FiguresOf(s)))]);
        hasFigure = new(() => [.. Sentences.Select(s => Is(s, Patterns.Money()) || Is(s, Patterns.Percent()) || Is(s, Patterns.Count()) || Is(s, Patterns.Duration()))]);
        sentenceSearch = new(() => new SentenceSearch([.. Sentences.Select(s => s.Text)]));
    }

    public IReadOnlyList<Passage> Passages { get; }

    public IReadOnlyList<DocSentence> Sentences { get; }

    /// <summary>Whether pages or paragraphs came from the caller (else paragraphs were counted here).</summary>
    public bool HasLocations { get; }

    public int WordCount { get; }

    public int? PageCount { get; }

    public IReadOnlyList<string> Headings { get; }

    public Bm25Index PassageIndex => passageIndex.Value;

    public IReadOnlyList<KeyPhrase> KeyPhrases => keyPhrases.Value;

    /// <summary>TextRank score per sentence.</summary>
    public double[] Centrality => centrality.Value;

    /// <summary>
    /// The matches of <paramref name="regex"/> in the sentence, in order; every sentence is searched once per pattern
    /// and document, whichever prompt asks first.
    /// </summary>
    public Found[] MatchesIn(DocSentence sentence, Regex regex) =>
        found.GetOrAdd(regex, static (r, doc) => doc.Search(r), this)[sentence.Index];

    /// <summary>Whether <paramref name="regex"/> matches the sentence.</summary>
    public bool Is(DocSentence sentence, Regex regex) => MatchesIn(sentence, regex).Length > 0;

    /// <summary>How often <paramref name="regex"/> matches the sentence.</summary>
    public int CountOf(DocSentence sentence, Regex regex) => MatchesIn(sentence, regex).Length;

    /// <summary>How often <paramref name="regex"/> matches in all sentences.</summary>
    public int Total(Regex regex) => Sentences.Sum(s => CountOf(s, regex));

    /// <summary>The figures the sentence states (see <see cref="Patterns.Figures(string)"/>).</summary>
    public IReadOnlyList<string> FiguresOf(DocSentence sentence) => figures.Value[sentence.Index];

    /// <summary>The figures the sentence states other than a bare year ("2024"), in the order of <see cref="FiguresOf"/>.</summary>
    public IReadOnlyList<string> FiguresBesidesYears(DocSentence sentence) => figuresBesidesYears.Value[sentence.Index];

    /// <summary>
    /// The figures a passage states, read with its line breaks as spaces (as it is quoted): see
    /// <see cref="Patterns.Figures(string)"/>; each passage is read once, whichever prompt asks first.
    /// </summary>
    public IReadOnlyList<string> FiguresOfPassage(int passageIndex) =>
        passageFigures.GetOrAdd(passageIndex, static (i, doc) => Patterns.Figures(doc.Passages[i].Text.Replace('\n', ' ')), this);

    /// <summary>
    /// A finding derived from the document alone (P2, P4 and P5 share the checklist, risks and strengths), computed once
    /// per name whichever prompt asks first. Prompts share it concurrently, so it must not be changed.
    /// </summary>
    public T Finding<T>(string name, Func<AnalysedDocument, T> compute)
        where T : class =>
        (T)findings.GetOrAdd(name, static (_, arg) => arg.Compute(arg.Document), (Document: this, Compute: compute));

    /// <summary>Whether the sentence states a figure other than a bare year.</summary>
    public bool HasFigure(DocSentence sentence) => hasFigure.Value[sentence.Index];

    /// <summary>
    /// Reads <paramref name="document"/>, or <paramref name="passagesJson"/> (a JSON array of {text, page, paragraph})
    /// when given; the last few documents are cached, since P1..P5 all read the same one.
    /// </summary>
    public static AnalysedDocument Get(string document, string? passagesJson)
    {
        // Keyed by the text itself (no concatenated key: that copied the whole document on every prompt).
        var (fromPassages, source) = passagesJson is { Length: > 0 } json ? (true, json) : (false, document);
        lock (CacheGate)
        {
            foreach (var (p, s, d) in Cache)
            {
                if (p == fromPassages && string.Equals(s, source, StringComparison.Ordinal))
                {
                    return d;
                }
            }
        }

        var passages = passagesJson is { Length: > 0 } ? ParsePassages(passagesJson) : null;
        var analysed = passages is { Count: > 0 } ? Build(passages, hasLocations: true) : Build(SplitParagraphs(document), hasLocations: false);
        lock (CacheGate)
        {
            Cache.Insert(0, (fromPassages, source, analysed));
            if (Cache.Count > CacheSize)
            {
                Cache.RemoveAt(Cache.Count - 1);
            }
        }

        return analysed;
    }

    private Found[][] Search(Regex regex) => sentenceSearch.Value.Search(regex);

    /// <summary>Where a passage is, for citations: "page 3, paragraph 2" or "paragraph 14", with its section.</summary>
    public string Location(int passageIndex) => AppendLocation(new StringBuilder(), passageIndex).ToString();

    public string Location(DocSentence sentence) => Location(sentence.PassageIndex);

    /// <summary>Appends <see cref="Location(int)"/> to <paramref name="sb"/>, without making a string of it.</summary>
    public StringBuilder AppendLocation(StringBuilder sb, int passageIndex)
    {
        var p = Passages[passageIndex];
        if (p.Page is { } page)
        {
            sb.Append(CultureInfo.InvariantCulture, $"page {page}, paragraph {p.Paragraph}");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"paragraph {p.Paragraph}");
        }

        return p.Section is { Length: > 0 } section && !p.IsHeading ? sb.Append(", section \u201C").Append(section).Append('\u201D') : sb;
    }

    private static AnalysedDocument Build(List<(string Text, int? Page, int Paragraph)> raw, bool hasLocations)
    {
        var passages = new List<Passage>();
        string? section = null;
        foreach (var (text, page, paragraph) in raw)
        {
            var clean = text.Trim();
            if (clean.Length == 0)
            {
                continue;
            }

            var heading = IsHeading(clean);
            if (heading)
            {
                section = Patterns.HeadingPrefix().Replace(clean, string.Empty).Trim().TrimEnd(':');
                if (section.Length == 0)
                {
                    section = clean;
                }
            }

            passages.Add(new Passage(passages.Count, heading ? section! : clean, page, paragraph, section, heading));
        }

        if (passages.Count == 0)
        {
            passages.Add(new Passage(0, string.Empty, null, 1, null, false));
        }

        return new AnalysedDocument(passages, hasLocations);
    }

    /// <summary>
    /// The terms a passage is found by: its section title's, then its own (the terms of the two joined by a line break,
    /// since no word spans one, without making that string).
    /// </summary>
    private static IReadOnlyList<string> SearchTerms(Passage passage)
    {
        var terms = new List<string>();
        if (!passage.IsHeading && passage.Section is not null)
        {
            WordTokenizer.AddTerms(passage.Section, terms);
        }

        WordTokenizer.AddTerms(passage.Text, terms);
        return terms;
    }

    private static IReadOnlyList<string> WithoutYears(IReadOnlyList<string> figures)
    {
        static bool IsYear(string figure) => figure.Length <= 4 && Patterns.Year().IsMatch(figure);
        return figures.Any(IsYear) ? [.. figures.Where(f => !IsYear(f))] : figures;
    }

    private static bool IsHeading(string text) =>
        !text.Contains('\n', StringComparison.Ordinal) && text.Length <= 100
        && (text.StartsWith('#') || SentenceSplitter.IsTitleLike(text))
        && WordTokenizer.CountWords(text) <= 12;

    /// <summary>Paragraphs split on blank lines; a form feed starts a new page.</summary>
    private static List<(string Text, int? Page, int Paragraph)> SplitParagraphs(string document)
    {
        var result = new List<(string, int?, int)>();
        var normalised = document.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var pages = normalised.Split('\f');
        var paged = pages.Length > 1;
        var paragraph = 0;
        var blocks = new List<string>();
        for (var p = 0; p < pages.Length; p++)
        {
            if (paged)
            {
                paragraph = 0;
            }

            blocks.Clear();
            SplitBlocks(pages[p], blocks);
            foreach (var block in blocks)
            {
                paragraph++;
                result.Add((block, paged ? p + 1 : null, paragraph));
            }
        }

        return result;
    }

    /// <summary>
    /// Adds the paragraphs of <paramref name="text"/> to <paramref name="blocks"/>: lines end-trimmed, split on blank
    /// lines. Lines are read as ranges of the text, so each paragraph is the only string made.
    /// </summary>
    private static void SplitBlocks(string text, List<string> blocks)
    {
        var current = new List<Range>();
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            if (line.IsWhiteSpace())
            {
                if (current.Count > 0)
                {
                    blocks.Add(Join(text, current));
                    current.Clear();
                }

                continue;
            }

            // A heading line glued to its paragraph still becomes a passage of its own.
            if (current.Count == 0 && line.TrimStart().StartsWith('#'))
            {
                blocks.Add(line.Trim().ToString());
                continue;
            }

            var start = range.Start.GetOffset(text.Length);
            current.Add(start..(start + line.TrimEnd().Length));
        }

        if (current.Count > 0)
        {
            blocks.Add(Join(text, current));
        }
    }

    /// <summary>The given ranges of <paramref name="text"/> joined by line breaks.</summary>
    private static string Join(string text, List<Range> lines)
    {
        var length = lines.Count - 1;
        foreach (var line in lines)
        {
            length += line.GetOffsetAndLength(text.Length).Length;
        }

        return string.Create(length, (text, lines), static (destination, state) =>
        {
            var at = 0;
            for (var i = 0; i < state.lines.Count; i++)
            {
                if (i > 0)
                {
                    destination[at++] = '\n';
                }

                var part = state.text.AsSpan(state.lines[i]);
                part.CopyTo(destination[at..]);
                at += part.Length;
            }
        });
    }

    private static List<(string Text, int? Page, int Paragraph)>? ParsePassages(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var result = new List<(string, int?, int)>();
            var counter = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                counter++;
                if (item.ValueKind == JsonValueKind.String)
                {
                    result.Add((item.GetString() ?? string.Empty, null, counter));
                    continue;
                }

                if (item.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var text = Property(item, "text") is { ValueKind: JsonValueKind.String } t ? t.GetString() ?? string.Empty : string.Empty;
                int? page = Property(item, "page") is { ValueKind: JsonValueKind.Number } p && p.TryGetInt32(out var pv) ? pv : null;
                var paragraph = Property(item, "paragraph") is { ValueKind: JsonValueKind.Number } q && q.TryGetInt32(out var qv) ? qv : counter;
                result.Add((text, page, paragraph));
            }

            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Property(JsonElement item, string name)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
