using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace Platform.Web.Rendering;

/// <summary>
/// The small part of Markdown the services write (headings, lists, quotes, bold, italic, code) as HTML. Everything is
/// HTML-encoded first, so text from a document or a model can never inject markup; links are left as text.
/// </summary>
public static partial class Markdown
{
    public static IHtmlContent ToHtml(string? markdown)
    {
        var html = new StringBuilder();
        string? openList = null;
        var paragraph = new List<string>();

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                html.Append("<p>").Append(string.Join("<br />", paragraph)).Append("</p>\n");
                paragraph.Clear();
            }
        }

        void CloseList()
        {
            if (openList is not null)
            {
                html.Append("</").Append(openList).Append(">\n");
                openList = null;
            }
        }

        foreach (var raw in (markdown ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                FlushParagraph();
                CloseList();
                continue;
            }

            if (Heading().Match(line) is { Success: true } h)
            {
                FlushParagraph();
                CloseList();
                var level = Math.Min(6, h.Groups[1].Length + 3);
                html.Append($"<h{level}>").Append(Inline(h.Groups[2].Value)).Append($"</h{level}>\n");
                continue;
            }

            var bullet = Bullet().Match(line);
            var numbered = Numbered().Match(line);
            if (bullet.Success || numbered.Success)
            {
                FlushParagraph();
                var kind = bullet.Success ? "ul" : "ol";
                if (openList != kind)
                {
                    CloseList();
                    html.Append('<').Append(kind).Append(">\n");
                    openList = kind;
                }

                html.Append("<li>").Append(Inline((bullet.Success ? bullet : numbered).Groups[1].Value)).Append("</li>\n");
                continue;
            }

            if (line.StartsWith('>'))
            {
                FlushParagraph();
                CloseList();
                html.Append("<blockquote>").Append(Inline(line.TrimStart('>', ' '))).Append("</blockquote>\n");
                continue;
            }

            CloseList();
            paragraph.Add(Inline(line.Trim()));
        }

        FlushParagraph();
        CloseList();
        return new HtmlString(html.ToString());
    }

    private static string Inline(string text)
    {
        var encoded = WebUtility.HtmlEncode(text);
        encoded = Code().Replace(encoded, "<code>$1</code>");
        encoded = Bold().Replace(encoded, "<strong>$1</strong>");
        encoded = Italic().Replace(encoded, "<em>$1</em>");
        return encoded;
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s*[-*+]\s+(.*)$")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"^\s*\d+[.)]\s+(.*)$")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"(?<![\w*])_(?!\s)(.+?)(?<!\s)_(?![\w])")]
    private static partial Regex Italic();
}
