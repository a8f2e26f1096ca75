using Platform.AI;
using Platform.Evaluator.Alignment;
using Platform.Evaluator.Model;

namespace Platform.UnitTests.Evaluator;

/// <summary>
/// Matching by keywords and by meaning with the real offline embedding model (all-MiniLM-L6-v2): a requirement the
/// proposal restates in other words is found, while the keyword judgement of the rest is unchanged.
/// </summary>
[NonParallelizable]
public sealed class HybridAlignmentTests
{
    private static readonly MiniLmEmbeddingGenerator Embeddings = new();

    private const string Terms = """
        Requirements

        1. Solar cold storage units must be installed at twelve rural clinics.
        2. An independent mid-term evaluation must be commissioned from an accredited auditor.
        3. Quarterly financial statements must be uploaded to the donor portal.
        4. A gender equality strategy with disaggregated monitoring indicators is required.
        5. Staff must complete safeguarding training before deployment.
        """;

    // 1 and 2 in other words (no key term in common), 3 in the ToR's own words, 4 half of its terms, 5 not at all.
    private static readonly Passage[] Proposal =
    [
        new("We will put photovoltaic-powered vaccine refrigerators in a dozen village health posts.", 1, 1),
        new("Halfway through, an external certified reviewer will assess what has been achieved.", 1, 2),
        new("Quarterly financial statements will be uploaded to the donor portal by our finance officer.", 1, 3),
        new("Our gender equality strategy is attached as an annex.", 2, 4),
        new("We look forward to working with you.", 2, 5),
    ];

    [OneTimeTearDown]
    public static void DisposeModel() => Embeddings.Dispose();

    [Test]
    public async Task Paraphrase_WithNoKeywordInCommon_IsFoundByMeaning()
    {
        var options = new AlignmentOptions();

        var keywordsOnly = AlignmentEngine.Align(Terms, Proposal, options);
        var hybrid = await AlignmentEngine.AlignAsync(Terms, Proposal, options, Embeddings, CancellationToken.None);

        Assert.Multiple(() =>
        {
            foreach (var row in hybrid.Requirements.Take(2))
            {
                Assert.That(row.KeyTerms.Any(t => Proposal[row.Number - 1].Text.Contains(t, StringComparison.OrdinalIgnoreCase)), Is.False,
                    $"requirement {row.Number} shares no key term with its paraphrase");
            }

            Assert.That(keywordsOnly.Requirements.Select(r => r.Status), Is.EqualTo(new[] { "missing", "missing", "covered", "partial", "missing" }));
            Assert.That(hybrid.Requirements.Select(r => r.Status), Is.EqualTo(new[] { "covered", "covered", "covered", "partial", "missing" }));
            Assert.That(hybrid.Requirements.Select(r => r.MatchedBy), Is.EqualTo(new[] { "meaning", "meaning", "keywords", "keywords", null }));
            Assert.That(hybrid.Requirements.Take(2).Select(r => r.Paragraph), Is.EqualTo(new int?[] { 1, 2 }), "each is matched to its own paraphrase");
            Assert.That(hybrid.Requirements[4].Similarity, Is.LessThan(options.SemanticFloor), "an unrelated passage is not taken for a match");
        });
    }

    [Test]
    public async Task WithoutEmbeddingsOrWithThemDisabled_TheTableIsByKeywordsOnly()
    {
        var disabled = new AlignmentOptions { UseEmbeddings = false };

        var none = await AlignmentEngine.AlignAsync(Terms, Proposal, new AlignmentOptions(), null, CancellationToken.None);
        var off = await AlignmentEngine.AlignAsync(Terms, Proposal, disabled, Embeddings, CancellationToken.None);

        Assert.That(none.Requirements.Select(r => r.Status), Is.EqualTo(new[] { "missing", "missing", "covered", "partial", "missing" }));
        Assert.That(off, Is.EqualTo(none).Using<AlignmentTable>((a, b) => a.Requirements.SequenceEqual(b.Requirements, RowComparer.Instance)));
        Assert.That(off.Requirements.Select(r => r.Similarity), Is.All.Null);
    }

    [Test]
    public void SemanticCeilingNotAboveFloor_IsRefused()
    {
        var options = new AlignmentOptions { SemanticFloor = 0.6, SemanticCeiling = 0.5 };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.That(errors.Select(e => e.MemberNames.Single()), Is.EqualTo(new[] { nameof(AlignmentOptions.SemanticCeiling) }));
    }

    private sealed class RowComparer : IEqualityComparer<AlignmentRow>
    {
        public static readonly RowComparer Instance = new();

        public bool Equals(AlignmentRow? x, AlignmentRow? y) =>
            x is not null && y is not null && x.Number == y.Number && x.Status == y.Status && x.Passage == y.Passage && x.Coverage == y.Coverage;

        public int GetHashCode(AlignmentRow obj) => obj.Number;
    }
}
