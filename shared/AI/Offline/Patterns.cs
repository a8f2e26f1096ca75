using System.Text.RegularExpressions;

namespace Platform.AI.Offline;

/// <summary>A match of a pattern: where it starts in the text and what it matched.</summary>
internal readonly record struct Found(int Index, string Value);

/// <summary>The patterns the offline engine reads proposals with.</summary>
internal static partial class Patterns
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"(?:(?:US\$|USD|EUR|€|£|GBP|\$|KES|KSh|UGX|TZS|NGN|ZAR|INR|CHF|CAD|AUD)\s?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s?(?:million|billion|thousand|m|bn|k)\b)?)|(?:(?<![\d.])\b\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:million|billion|thousand)?\s?(?:USD|EUR|GBP|dollars|euros|pounds|KES|shillings)\b)", Options)]
    public static partial Regex Money();

    [GeneratedRegex(@"(?<![\d.])\b\d+(?:\.\d+)?\s?(?:%|per\s?cent\b|percent\b)", Options)]
    public static partial Regex Percent();

    [GeneratedRegex(@"(?<![\d.])\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|twenty-four|thirty|thirty-six|forty-eight|sixty)[\s-](?:years?|months?|weeks?|days?)\b", Options)]
    public static partial Regex Duration();

    [GeneratedRegex(@"\b(?:19|20)\d{2}\b", Options)]
    public static partial Regex Year();

    // Greedy {0,2}: the lazy form made the generated regex spin on long texts.
    [GeneratedRegex(@"(?<![\d.])(?<!(?:month|year|day|week|quarter|phase|objective|indicator|component|section|page|annex|output|outcome)s?\s)\b\d(?:[\d,]*\d)?\s+(?:[a-z-]+\s+){0,2}(?:people|persons|individuals|households|farmers|smallholders|women|men|girls|boys|youths?|young people|children|pupils|students|learners|teachers|schools|communities|villages|beneficiaries|participants|health workers|workers|clinics|facilities|patients|families|cooperatives|groups|districts|counties|entrepreneurs|businesses|enterprises|trainees|volunteers|staff|mothers|refugees|members)\b", Options)]
    public static partial Regex Count();

    [GeneratedRegex(@"\d", Options)]
    public static partial Regex Digit();

    [GeneratedRegex(@"\b(?:goals?|objectives?|aims?|purpose|outcomes?|expected results?|intended results?|seeks? to|intends? to|will (?:increase|reduce|improve|strengthen|expand|establish|enable|raise|cut|double|halve))\b", Options)]
    public static partial Regex Goal();

    [GeneratedRegex(@"\b(?:overall goal|specific objectives?|objective \d|objective [a-e]\b|outcome \d|goal is|objectives? (?:is|are)|aims? to)\b", Options)]
    public static partial Regex GoalStrong();

    [GeneratedRegex(@"\bbaselines?\b|\bcurrently\b|\bat present\b|\bas of (?:19|20)\d{2}\b|\bfrom \S+ (?:%|per ?cent|percent|[a-z]+ )?to \S+", Options)]
    public static partial Regex Baseline();

    [GeneratedRegex(@"\btargets?\b|\bby (?:the end of )?(?:19|20)\d{2}\b|\bby (?:the end of )?(?:year|month) \d+\b|\bby project end\b|\bby the end of the project\b|\bend-?line\b", Options)]
    public static partial Regex Target();

    [GeneratedRegex(@"\bindicators?\b|\bkpis?\b|\bmeasured (?:by|through|as)\b|\bmeans of verification\b|\bpercentage of\b|\bproportion of\b|\bnumber of\b|\blogframe\b|\blogical framework\b|\bresults framework\b", Options)]
    public static partial Regex Indicator();

    [GeneratedRegex(@"\bmonitor(?:ing|ed)?\b|\bevaluat(?:ion|ions|ed|e)\b|\bM&E\b|\bMEL\b|\bMEAL\b|\bdata collection\b|\bsurveys?\b|\bmid-?term review\b|\bmid-?term\b|\bend-?line\b|\blearning\b|\bdata quality\b|\bverification\b", Options)]
    public static partial Regex Monitoring();

    [GeneratedRegex(@"\bactivit(?:y|ies)\b|\bworkshops?\b|\btrainings?\b|\bwill (?:train|conduct|establish|build|provide|deliver|organi[sz]e|develop|distribute|hold|set up|recruit|rehabilitate|construct|facilitate|run|support|introduce|pilot|scale)\b|\bsessions?\b|\bcampaigns?\b|\bdemonstration\b|\bwork ?plan\b", Options)]
    public static partial Regex Activity();

    [GeneratedRegex(@"\brisks?\b|\bthreats?\b|\bchallenges?\b|\bcould (?:delay|affect|disrupt|undermine|reduce|prevent)\b|\bmay (?:delay|affect|disrupt|undermine|reduce|prevent)\b|\buncertaint(?:y|ies)\b|\bdroughts?\b|\bfloods?\b|\bconflict\b|\binsecurity\b|\binflation\b|\bexchange rate\b|\bcurrency\b|\bturnover\b|\bdelays?\b", Options)]
    public static partial Regex Risk();

    [GeneratedRegex(@"\bmitigat\w*|\bcontingenc\w*|\bto address this\b|\bto manage this\b|\bin case\b|\bwill be managed\b|\bminimi[sz]e\b|\breduce the (?:risk|likelihood|impact)\b|\bfallback\b|\bback-?up\b|\binsurance\b|\bdiversif\w*|\bbuffer\b|\bearly warning\b|\bmonitored (?:closely|regularly)\b", Options)]
    public static partial Regex Mitigation();

    [GeneratedRegex(@"\b(?:high|severe|critical|major|significant) (?:risk|likelihood|probability|impact)\b|\b(?:likelihood|probability|impact)\W+(?:is )?(?:high|severe)\b|\bsevere\b|\bcritical\b", Options)]
    public static partial Regex SevereRisk();

    [GeneratedRegex(@"\b(?:low) (?:risk|likelihood|probability|impact)\b|\b(?:likelihood|probability|impact)\W+(?:is )?low\b|\bunlikely\b", Options)]
    public static partial Regex LowRisk();

    [GeneratedRegex(@"\bsafeguard\w*|\bchild protection\b|\bPSEA\b|\bSEA\b|\bsexual exploitation\b|\bcode of conduct\b|\bdo no harm\b|\bgrievance\b|\bcomplaints? (?:and feedback )?mechanism\b|\bwhistle-?blow\w*|\bprotection from\b|\bconsent\b|\bdata protection\b|\bGDPR\b", Options)]
    public static partial Regex Safeguarding();

    [GeneratedRegex(@"\bpolicy\b|\bfocal (?:point|person)\b|\btraining\b|\breporting (?:mechanism|channel|line)\b|\bhotline\b|\bscreening\b|\bbackground checks?\b|\bsigned\b", Options)]
    public static partial Regex SafeguardingControl();

    [GeneratedRegex(@"\bbudget\w*|\bcosts?\b|\bcosting\b|\bexpenditures?\b|\bco-?financ\w*|\bmatch(?:ing)? fund\w*|\bin-?kind\b|\boverheads?\b|\bindirect costs?\b|\bfunding\b|\bgrant\b", Options)]
    public static partial Regex Budget();

    [GeneratedRegex(@"\baudit\w*|\bprocurement\b|\bfinancial (?:management|controls?|procedures|reporting|policy|policies|system)\b|\binternal controls?\b|\bsegregation of duties\b|\bvalue for money\b|\banti-?fraud\b|\banti-?corruption\b|\bcompetitive (?:bidding|tender)\b", Options)]
    public static partial Regex FinancialControl();

    [GeneratedRegex(@"\beligib\w*|\bregistered (?:as an? )?(?:non-?profit|charity|organi[sz]ation|NGO|company|trust|society|under)\b|\bregistration (?:number|certificate)\b|\blegal (?:status|entity|personality)\b|\bincorporated\b|\bcharity number\b|\btax[- ]exempt\b|\bNGO Coordination\b|\bcall guidelines\b|\beligibility criteria\b", Options)]
    public static partial Regex Eligibility();

    [GeneratedRegex(@"\b(?:narrative|financial|progress|annual|quarterly|monthly|semi-?annual|final|interim|donor|technical) reports?\b|\breporting (?:schedule|requirements|obligations|period|template|format)\b|\breports? (?:to|for) (?:the )?(?:donor|funder|fund|foundation|board)\b|\bsubmit\w* (?:\w+ ){0,3}reports?\b|\bdonor updates?\b", Options)]
    public static partial Regex Reporting();

    [GeneratedRegex(@"\bquarterly\b|\bmonthly\b|\bsemi-?annual(?:ly)?\b|\bannual(?:ly)?\b|\bevery (?:\w+ )?(?:months?|weeks?|quarters?|years?)\b|\bbi-?annual\b", Options)]
    public static partial Regex Frequency();

    [GeneratedRegex(@"\bpartners?\b|\bpartnerships?\b|\bin collaboration with\b|\bin cooperation with\b|\bmemorand(?:um|a) of understanding\b|\bMoUs?\b|\bministry\b|\bministries\b|\bgovernment\b|\bcounty\b|\bmunicipal\w*|\buniversit(?:y|ies)\b|\bconsortium\b|\bco-?implement\w*", Options)]
    public static partial Regex Partner();

    [GeneratedRegex(@"\bevidence\b|\bstud(?:y|ies)\b|\bresearch\b|\bassessments?\b|\bdata (?:show|shows|from|indicate|indicates)\b|\baccording to\b|\bpilot(?:ed)?\b|\bprevious(?:ly)?\b|\btrack record\b|\blessons learn(?:ed|t)\b|\bsuccessfully\b|\bexperience\b|\bproven\b|\bdemonstrated\b|\bfound that\b|\breported\b", Options)]
    public static partial Regex Evidence();

    [GeneratedRegex(@"\bsustainab\w*|\bexit strategy\b|\bafter the project\b|\bbeyond the (?:project|grant)\b|\bownership\b|\bhand-?over\b|\bphase-?out\b|\bself-?financ\w*|\brevolving fund\b|\binstitutionali[sz]\w*", Options)]
    public static partial Regex Sustainability();

    [GeneratedRegex(@"\bwork ?plan\b|\btimeline\b|\bgantt\b|\bschedule\b|\bquarter \d\b|\bQ[1-4]\b|\bmonths? \d+\b|\byear \d\b|\bphase \d\b|\bphases?\b|\bmilestones?\b", Options)]
    public static partial Regex Timeline();

    [GeneratedRegex(@"\bgender\b|\bwomen\b|\bgirls\b|\bdisabilit\w*|\binclusi\w*|\bmarginali[sz]ed\b|\bvulnerable\b|\bequit\w*|\byouth\b|\bminorit\w*", Options)]
    public static partial Regex Inclusion();

    [GeneratedRegex(@"\bvarious\b|\bseveral\b|\ba number of\b|\bmany\b|\bsome\b|\betc\b|\bas needed\b|\bas appropriate\b|\bwhere (?:possible|feasible|appropriate)\b|\bto be (?:determined|confirmed|defined)\b|\bTBD\b|\bTBC\b|\binnovative\b|\bholistic\b|\bbest practices?\b|\bcutting-edge\b|\bworld-class\b|\bsignificant(?:ly)?\b|\bsubstantial(?:ly)?\b|\brobust\b|\bmeaningful\b|\bleverag\w*|\bsynerg\w*|\bempower\w*|\bcapacity building\b|\bimpactful\b|\btransformative\b|\bgame-?chang\w*|\bstate-of-the-art\b|\bcomprehensive\b|\bappropriate\b|\brelevant stakeholders\b|\bkey stakeholders\b", Options)]
    public static partial Regex Vague();

    [GeneratedRegex(@"\bwill (?:significantly|dramatically|greatly|substantially) \w+|\bwill transform\w*|\bwill ensure\b|\bguarantee\w*|\bwill eliminate\b|\bwill eradicate\b|\bwill revolutioni[sz]e\b", Options)]
    public static partial Regex Overclaim();

    [GeneratedRegex(@"\brisks?\b|\bthreats?\b", Options)]
    public static partial Regex RiskNoun();

    [GeneratedRegex(@"background|problem|context|introduction|summary|lessons|theory|rationale|justification|overview|consultation", Options)]
    public static partial Regex ContextSection();

    [GeneratedRegex(@"\brisk", Options)]
    public static partial Regex RiskSection();

    [GeneratedRegex(@"^\s*(?:#+\s*|(?:\d+(?:\.\d+)*\.?|[A-Z]\.|[IVX]+\.)\s+)", RegexOptions.CultureInvariant)]
    public static partial Regex HeadingPrefix();

    [GeneratedRegex(@"^\s*(?:[-*\u2022\u00B7\u25AA\u2013]|\d+[.)]|[a-z][.)])\s+", RegexOptions.CultureInvariant)]
    public static partial Regex BulletPrefix();

    /// <summary>The figures a sentence states: amounts, percentages, counts of people or things, durations and years.</summary>
    public static List<string> Figures(string text) => Figures(text, static (regex, text) => MatchAll(regex, text));

    /// <summary>As <see cref="Figures(string)"/>, from the matches of each pattern (e.g. cached for a document's sentence).</summary>
    public static List<string> Figures<TState>(TState state, Func<Regex, TState, Found[]> matchesOf)
    {
        // In reading order: each new figure goes after those that start before or where it starts.
        var found = new List<(int Index, string Value)>();
        ReadOnlySpan<Regex> patterns = [Money(), Percent(), Count(), Duration(), Year()];
        foreach (var regex in patterns)
        {
            foreach (var m in matchesOf(regex, state))
            {
                var at = found.Count;
                var overlaps = false;
                for (var i = 0; i < found.Count && !overlaps; i++)
                {
                    var f = found[i];
                    overlaps = m.Index < f.Index + f.Value.Length && f.Index < m.Index + m.Value.Length;
                    if (f.Index > m.Index && at == found.Count)
                    {
                        at = i;
                    }
                }

                if (!overlaps)
                {
                    found.Insert(at, (m.Index, m.Value.Trim()));
                }
            }
        }

        var values = new List<string>(found.Count);
        foreach (var (_, value) in found)
        {
            values.Add(value);
        }

        return values;
    }

    /// <summary>Every match of <paramref name="regex"/> in <paramref name="text"/>, as <c>Matches</c> finds them (no Match objects).</summary>
    public static Found[] MatchAll(Regex regex, string text)
    {
        List<Found>? matches = null;
        foreach (var m in regex.EnumerateMatches(text))
        {
            (matches ??= []).Add(new Found(m.Index, text.Substring(m.Index, m.Length)));
        }

        return matches is null ? [] : [.. matches];
    }

    /// <summary>Whether the text states a figure other than a bare year.</summary>
    public static bool HasFigure(string text) =>
        Money().IsMatch(text) || Percent().IsMatch(text) || Count().IsMatch(text) || Duration().IsMatch(text);
}
