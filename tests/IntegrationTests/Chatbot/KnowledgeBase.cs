using System.Globalization;
using System.Text;

namespace Platform.IntegrationTests.Chatbot;

/// <summary>A generated project of the test knowledge base: one document, facts that only it states.</summary>
public sealed record Project(
    string Name, string Sector, string Region, string Lead, string Budget, string Start, int Months, string Reach, string Partners,
    string Risk, string Reporting)
{
    public string FileName => $"project-{Name.ToLowerInvariant().Replace(' ', '-')}.md";

    public string Title => $"Project {Name} proposal";

    /// <summary>The document: one heading and a paragraph per topic, with generic filler between so it spans several chunks.</summary>
    public string Document()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Project {Name}: {Sector} in {Region}").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Project {Name} is a {Sector} programme in {Region}, led by {Lead}. It was designed with local authorities after a needs assessment and responds to priorities in the national development plan.").AppendLine();
        sb.AppendLine(KnowledgeBase.Filler(Name, 0)).AppendLine();
        sb.AppendLine("## Budget").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"The total budget of Project {Name} is {Budget}. Most of the funding covers field staff, equipment and training, and a contingency reserve of five percent is kept for price increases.").AppendLine();
        sb.AppendLine(KnowledgeBase.Filler(Name, 1)).AppendLine();
        sb.AppendLine("## Timeline").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Project {Name} starts in {Start} and runs for {Months} months, with an inception phase of three months followed by implementation and a closing phase.").AppendLine();
        sb.AppendLine(KnowledgeBase.Filler(Name, 2)).AppendLine();
        sb.AppendLine("## Beneficiaries").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Project {Name} will reach {Reach}. Beneficiaries were selected with community leaders using vulnerability criteria.").AppendLine();
        sb.AppendLine(KnowledgeBase.Filler(Name, 3)).AppendLine();
        sb.AppendLine("## Partners").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"The implementing partners of Project {Name} are {Partners}. Each partner signs a memorandum of understanding that sets out roles and responsibilities.").AppendLine();
        sb.AppendLine(KnowledgeBase.Filler(Name, 4)).AppendLine();
        sb.AppendLine("## Risks").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"The main risk for Project {Name} is {Risk}. The risk register is reviewed every quarter by the steering committee.").AppendLine();
        sb.AppendLine("## Reporting").AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Progress reports on Project {Name} are submitted {Reporting}.").AppendLine();
        return sb.ToString();
    }
}

/// <summary>A labelled question: which project's document answers it, and the text the right passage holds.</summary>
public sealed record LabelledQuestion(string Question, Project Project, string Fact);

/// <summary>Generated proposals and at least 30 questions about them, each labelled with the fact that answers it.</summary>
public static class KnowledgeBase
{
    public static readonly IReadOnlyList<Project> Projects =
    [
        new("Aurora", "clean water", "Northern Malawi", "Maji Safi Trust", "USD 2,350,000", "March 2026", 36, "18,500 pupils in 40 primary schools", "WaterAid Malawi and the Mzimba District Council", "theft of solar panels from the pumps", "every six months to the Global Water Fund"),
        new("Borealis", "maternal health", "the Upper East Region of Ghana", "Navrongo Health Foundation", "EUR 1,120,000", "January 2027", 30, "6,200 pregnant women through 25 clinics", "the Ghana Health Service and Midwives Alliance", "the departure of trained midwives to the cities", "quarterly to the European Health Initiative"),
        new("Cascade", "irrigation", "the Rift Valley of Kenya", "Green Fields Cooperative", "USD 890,000", "September 2026", 24, "3,400 smallholder farmers on 2,100 hectares", "Kenya Agricultural Research Institute and Egerton University", "a drought that lowers the river below the intake", "twice a year to the Harvest Fund"),
        new("Delta Reach", "flood resilience", "the Ayeyarwady Delta", "Coastal Futures Network", "USD 3,100,000", "June 2026", 48, "27 villages with 41,000 residents", "the Red Cross Society and the Township Disaster Committee", "a cyclone during the construction season", "annually to the Climate Adaptation Facility"),
        new("Ember", "clean cooking", "Northern Uganda", "Hearth Energy Uganda", "GBP 640,000", "April 2027", 18, "9,000 households using improved stoves", "Uganda National Alliance on Clean Cooking and Gulu University", "the rising price of stove components", "monthly to the Clean Air Trust"),
        new("Fjord", "fisheries management", "the Lofoten coast", "Nordic Marine Stewardship", "NOK 14,500,000", "August 2026", 42, "320 small-scale fishing boats", "the Norwegian Fisheries Directorate and the Coastal Fishers Union", "the collapse of cod stocks after warm winters", "every four months to the Ocean Stewardship Fund"),
        new("Granite", "school construction", "Nepal's Gorkha district", "Himalayan Schools Initiative", "USD 1,780,000", "November 2026", 28, "12 earthquake-resistant schools for 4,800 children", "the District Education Office and Build Change", "landslides blocking mountain roads during the monsoon", "every six weeks to the Education Rebuild Fund"),
        new("Harbor Light", "youth employment", "the port city of Mombasa", "Coast Youth Works", "USD 720,000", "February 2027", 20, "1,500 young people aged 18 to 30", "the Kenya Ports Authority and the Mombasa Chamber of Commerce", "employers withdrawing apprenticeship places", "every two months to the Jobs for Youth Programme"),
    ];

    /// <summary>Five questions per project, phrased unlike the documents where possible.</summary>
    public static IReadOnlyList<LabelledQuestion> Questions =>
    [
        .. Projects.SelectMany(p => new LabelledQuestion[]
        {
            new($"How much money does Project {p.Name} have in total?", p, p.Budget),
            new($"When will Project {p.Name} begin?", p, p.Start),
            new($"How many people will benefit from Project {p.Name}?", p, p.Reach),
            new($"Which organisations are working with Project {p.Name} as partners?", p, p.Partners),
            new($"What is the biggest threat to Project {p.Name}?", p, p.Risk),
        }),
    ];

    /// <summary>Generic text that mentions no fact, so documents span several chunks and questions must find the right one.</summary>
    public static string Filler(string name, int seed)
    {
        string[] sentences =
        [
            $"The approach of Project {name} builds on lessons from earlier work in the area and on consultations with community groups.",
            "Staff will receive induction training on safeguarding, financial procedures and data protection before fieldwork begins.",
            "Community meetings will be held in local languages, and feedback boxes will be placed in public spaces.",
            "Gender and inclusion are considered in every activity, with targets for the participation of women and people with disabilities.",
            "Procurement follows the donor's rules, with three quotations for purchases above the threshold and a procurement committee.",
            "Lessons learned will be shared with other organisations through workshops, short case studies and an online library.",
            "The steering committee meets to review the workplan, approve changes and resolve issues raised by the field teams.",
            "Sustainability is planned from the start so that local institutions can continue the work after the grant ends.",
        ];
        return string.Join(' ', Enumerable.Range(0, 6).Select(i => sentences[(seed + i) % sentences.Length]));
    }
}
