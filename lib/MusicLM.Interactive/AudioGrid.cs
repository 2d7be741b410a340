using System.Net;

namespace MusicLM.Interactive;

/// <summary>
/// Several players side by side with captions, for listening comparisons
/// (<c>AudioGrid.Row(original, q1, q8)</c> → "original | Q=1 | Q=8"). Captions default to each clip's label.
/// </summary>
public sealed class AudioGrid : IDisplayable
{
    private readonly List<(string Caption, Audio Clip)> cells;

    /// <summary>Clips in rows of <paramref name="columns"/> (all in one row when 0).</summary>
    public AudioGrid(IEnumerable<(string Caption, Audio Clip)> clips, int columns = 0)
    {
        ArgumentNullException.ThrowIfNull(clips);
        cells = clips.ToList();
        if (cells.Count == 0) throw new ArgumentException("an audio grid needs at least one clip", nameof(clips));
        if (cells.Any(c => c.Clip == null)) throw new ArgumentException("an audio grid cannot hold a null clip", nameof(clips));
        if (columns < 0) throw new ArgumentException($"columns must be ≥ 0, got {columns}", nameof(columns));
        Columns = columns == 0 ? cells.Count : columns;
    }

    /// <summary>One row of clips, captioned with their labels.</summary>
    public static AudioGrid Row(params Audio[] clips) =>
        new(clips.Select((c, i) => (c?.Label ?? $"#{i + 1}", c!)));

    /// <summary>One row of clips with explicit captions.</summary>
    public static AudioGrid Row(params (string Caption, Audio Clip)[] clips) => new(clips);

    public int Columns { get; }

    public int Count => cells.Count;

    /// <summary>
    /// A wrapping row (CSS flex-wrap): players that do not fit the output area's width move to the next line
    /// instead of running off-screen; with <see cref="Columns"/> set, a new line also starts after every
    /// <see cref="Columns"/> clips.
    /// </summary>
    public string ToHtml()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("<div class=\"musiclm-audio-grid\" style=\"display:flex;flex-wrap:wrap;gap:8px 16px;align-items:flex-end;max-width:100%\">");
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0 && i % Columns == 0) sb.Append("<div style=\"flex-basis:100%;height:0\"></div>");
            var (caption, clip) = cells[i];
            sb.Append($"<div style=\"flex:0 1 auto;min-width:0;max-width:100%\"><div style=\"font-size:90%;margin-bottom:2px\">{WebUtility.HtmlEncode(caption)}</div>{clip.PlayerHtml()}</div>");
        }
        return sb.Append("</div>").ToString();
    }

    /// <summary>"original | Q=1 | Q=8" and the clips' durations.</summary>
    public override string ToString() =>
        string.Join(" | ", cells.Select(c => c.Caption)) + Environment.NewLine +
        string.Join(Environment.NewLine, cells.Select(c => "  " + c.Clip));

    public IReadOnlyDictionary<string, object> ToMimeBundle() => MimeBundle.Html(ToHtml(), ToString()).Data;
}
