using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Platform.Web.Charts;

/// <summary>A line of a chart: its name (legend), CSS colour variable and values (null = no data in that slot).</summary>
public sealed record ChartSeries(string Name, string Colour, IReadOnlyList<double?> Values);

/// <summary>
/// Line charts drawn on the server as inline SVG (no script, no library, no CDN): a titled, described image so that
/// screen readers get the latest values in words.
/// </summary>
public static class SvgChart
{
    private const int Width = 480;
    private const int Height = 200;
    private const int Left = 48;
    private const int Right = 8;
    private const int Top = 10;
    private const int Bottom = 24;

    public static IHtmlContent Line(string id, string title, string unit, IReadOnlyList<DateTimeOffset> times, IReadOnlyList<ChartSeries> series)
    {
        var max = series.SelectMany(s => s.Values).Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        var top = NiceCeiling(max);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var n = Math.Max(1, times.Count - 1);
        string X(int i) => F(Left + (plotW * i / (double)n));
        string Y(double v) => F(Top + plotH - (plotH * v / top));

        var description = string.Join("; ", series.Select(s =>
            $"{s.Name}: latest {(s.Values.LastOrDefault(v => v.HasValue) is { } last ? F(last) + " " + unit : "no data")}"));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-t\">{E(title)}</title><desc id=\"{id}-d\">{E(description)}</desc>");
        for (var g = 0; g <= 4; g++)
        {
            var v = top * g / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(v)}\" y2=\"{Y(v)}\" stroke=\"#d5d9e0\" stroke-width=\"1\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{Y(v)}\" font-size=\"10\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#4a4a4a\">{E(Short(v))}</text>");
        }

        if (times.Count > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height - 6}\" font-size=\"10\" fill=\"#4a4a4a\">{times[0]:HH:mm:ss}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{Height - 6}\" font-size=\"10\" text-anchor=\"end\" fill=\"#4a4a4a\">{times[^1]:HH:mm:ss} UTC</text>");
        }

        foreach (var s in series)
        {
            // One polyline per run of slots that have data, so gaps stay gaps.
            var run = new List<string>();
            for (var i = 0; i <= s.Values.Count; i++)
            {
                if (i < s.Values.Count && s.Values[i] is { } v)
                {
                    run.Add($"{X(i)},{Y(v)}");
                    continue;
                }

                if (run.Count == 1)
                {
                    var xy = run[0].Split(',');
                    svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"2\" fill=\"{s.Colour}\"/>");
                }
                else if (run.Count > 1)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2\" points=\"{string.Join(' ', run)}\"/>");
                }

                run.Clear();
            }
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static double NiceCeiling(double max)
    {
        if (max <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= max)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Short(double v) => v >= 1000 ? (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k" : v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
