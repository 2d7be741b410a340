using System.Collections;
using System.Net;
using System.Reflection;
using MusicLM.Torch;

namespace MusicLM.Interactive;

/// <summary>
/// Python-style <c>display(x)</c>: shows a value in the notebook now (or in the active
/// <see cref="HtmlReport"/>, or on the console), wherever it occurs in a cell. Bring it into scope with
/// <c>using static MusicLM.Interactive.Display;</c>, or call <c>x.Display()</c>.
/// </summary>
public static class Display
{
    /// <summary>Shows <paramref name="value"/> and returns a handle to update it in place.</summary>
    public static DisplayHandle display(object? value)
    {
        var handle = new DisplayHandle(Guid.NewGuid().ToString("N"));
        DisplaySink.Publish(ToBundle(value), handle.Id, update: false);
        return handle;
    }

    /// <summary>
    /// The MIME bundle for any value: <see cref="IDisplayable"/> and objects with a public
    /// <c>ToMimeBundle()</c> use it; strings are plain text; a Plotly.NET chart is drawn offline from its
    /// figure JSON; a Microsoft.Data.Analysis DataFrame becomes a <see cref="Table"/> of its first 20 rows
    /// (neither library is referenced: they are recognised by reflection); tensors print their summary;
    /// sequences of records become a <see cref="Table"/>; anything else shows <c>ToString()</c>.
    /// </summary>
    public static MimeBundle ToBundle(object? value)
    {
        switch (value)
        {
            case null:
                return MimeBundle.Text("null");
            case MimeBundle b:
                return b;
            case IDisplayable d:
                return MimeBundle.From(d.ToMimeBundle());
            case string s:
                return MimeBundle.Text(s);
            case var _ when ForeignDisplay.TryBundle(value, out var foreign):
                return foreign;
            case Tensor t:
                var text = t.ToString();
                return MimeBundle.Html($"<pre>{WebUtility.HtmlEncode(text)}</pre>", text);
            case IDictionary:
                return MimeBundle.Text(value.ToString() ?? "");
            case IEnumerable e:
                return MimeBundle.From(Table.Of(e.Cast<object?>()).ToMimeBundle());
        }
        var method = value.GetType().GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (method != null && method.Invoke(value, null) is IReadOnlyDictionary<string, object> data) return MimeBundle.From(data);
        return MimeBundle.Text(value.ToString() ?? "");
    }
}
