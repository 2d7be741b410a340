using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MusicLM.Kernel.Execution;

/// <summary>
/// The display contract: a value's MIME bundle comes from its public instance method
/// <c>IReadOnlyDictionary&lt;string, object&gt; ToMimeBundle()</c> when it has one, else
/// <c>text/plain</c> = ToString(). Values are strings (text, base64 images) or JsonNodes (JSON MIME
/// types), embedded as JSON, not as strings.
/// </summary>
internal static class MimeBundle
{
    public static IReadOnlyDictionary<string, object> Of(object value)
    {
        var method = value.GetType().GetMethod("ToMimeBundle", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
        if (method is not null && typeof(IReadOnlyDictionary<string, object>).IsAssignableFrom(method.ReturnType))
        {
            IReadOnlyDictionary<string, object>? bundle;
            try
            {
                bundle = (IReadOnlyDictionary<string, object>?)method.Invoke(value, null);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
            if (bundle is not null)
            {
                if (bundle.ContainsKey("text/plain")) return bundle;
                var withText = new Dictionary<string, object>(bundle) { ["text/plain"] = value.ToString() ?? "" };
                return withText;
            }
        }
        // A library may format values it does not own (a display toolkit showing a Plotly.NET chart or a
        // DataFrame): a Func<object, IReadOnlyDictionary<string, object>?> under this AppContext key.
        if (AppContext.GetData("jupyter.kernel.format_value") is Func<object, IReadOnlyDictionary<string, object>?> format
            && format(value) is { } formatted)
        {
            return formatted.ContainsKey("text/plain") ? formatted : new Dictionary<string, object>(formatted) { ["text/plain"] = value.ToString() ?? "" };
        }
        return new Dictionary<string, object> { ["text/plain"] = value.ToString() ?? "" };
    }

    /// <summary>A bundle (or metadata) as the JSON object a message carries.</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, object>? values)
    {
        var o = new JsonObject();
        if (values is null) return o;
        foreach (var (key, value) in values) o[key] = ToNode(value);
        return o;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => JsonValue.Create(s),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        JsonElement e => JsonNode.Parse(e.GetRawText()),
        _ => JsonSerializer.SerializeToNode(value, value.GetType()),
    };
}
