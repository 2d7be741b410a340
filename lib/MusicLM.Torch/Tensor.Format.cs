using System.Globalization;
using System.Text;

namespace MusicLM.Torch;

// A readable summary: shape, dtype, device and a few values.
public partial class Tensor
{
    private const int EdgeItems = 3;

    public override string ToString()
    {
        if (IsDisposed) return "tensor(disposed)";
        var s = shape;
        var sb = new StringBuilder();
        sb.Append("tensor(shape=[").Append(string.Join(", ", s)).Append("], dtype=").Append(dtype.Name())
          .Append(", device=").Append(device);
        if (requires_grad) sb.Append(", requires_grad");
        sb.Append(')');
        if (dtype.IsComplex()) return sb.ToString();
        long n = numel();
        if (n == 0) return sb.Append(" []").ToString();
        using var flat = Preview(s);
        var values = flat.ToArray<double>();
        sb.Append('\n');
        if (s.Length == 0) sb.Append(Fmt(values[0]));
        else if (s.Length == 1) Row(sb, values, s[0]);
        else if (s.Length == 2)
        {
            long rows = s[0];
            int shownRows = (int)Math.Min(rows, 2 * EdgeItems);
            int perRow = values.Length / shownRows;
            sb.Append('[');
            for (int r = 0; r < shownRows; r++)
            {
                if (r > 0) sb.Append(",\n ");
                if (rows > 2 * EdgeItems && r == EdgeItems) sb.Append("...,\n ");
                Row(sb, values.AsSpan(r * perRow, perRow).ToArray(), s[1]);
            }
            sb.Append(']');
        }
        else
        {
            sb.Append("first values: ");
            Row(sb, values, values.Length);
        }
        return sb.ToString();
    }

    // The elements worth showing, as float64 on the CPU: edge rows and columns only.
    private Tensor Preview(long[] s)
    {
        using var scope = torch.NewDisposeScope();
        Tensor t = detach();
        if (s.Length == 1 && s[0] > 2 * EdgeItems)
            t = torch.cat(new[] { t[..EdgeItems], t[^EdgeItems..] });
        else if (s.Length == 2)
        {
            if (s[0] > 2 * EdgeItems) t = torch.cat(new[] { t[..EdgeItems], t[^EdgeItems..] });
            if (s[1] > 2 * EdgeItems) t = torch.cat(new[] { t[.., ..EdgeItems], t[.., ^EdgeItems..] }, 1);
        }
        else if (s.Length > 2) t = t.flatten()[..(int)Math.Min(numel(), 2 * EdgeItems)];
        return t.to(Device.CPU, ScalarType.Float64).MoveToOuterDisposeScope();
    }

    private static void Row(StringBuilder sb, double[] v, long fullLength)
    {
        sb.Append('[');
        bool cut = fullLength > 2 * EdgeItems && v.Length == 2 * EdgeItems;
        for (int i = 0; i < v.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            if (cut && i == EdgeItems) sb.Append("..., ");
            sb.Append(Fmt(v[i]));
        }
        sb.Append(']');
    }

    private static string Fmt(double x) =>
        x == Math.Floor(x) && Math.Abs(x) < 1e15 ? x.ToString("0.", CultureInfo.InvariantCulture) : x.ToString("G5", CultureInfo.InvariantCulture);
}
