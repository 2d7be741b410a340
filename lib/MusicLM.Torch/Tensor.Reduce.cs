using MusicLM.Torch.Native;
using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch;

// Reductions, sorting and sampling.
public partial class Tensor
{
    private unsafe Tensor Red(Reduce op, long[]? dims, bool keepdim)
    {
        if (dims is null) return new(mlt_reduce((int)op, Handle, null, -1, 0));
        fixed (long* p = dims) return new(mlt_reduce((int)op, Handle, p, dims.Length, keepdim ? 1 : 0));
    }

    public Tensor sum() => Red(Reduce.Sum, null, false);
    public Tensor sum(long dim, bool keepdim = false) => Red(Reduce.Sum, new[] { dim }, keepdim);
    public Tensor sum(long[] dims, bool keepdim = false) => Red(Reduce.Sum, dims, keepdim);
    public Tensor mean() => Red(Reduce.Mean, null, false);
    public Tensor mean(long dim, bool keepdim = false) => Red(Reduce.Mean, new[] { dim }, keepdim);
    public Tensor mean(long[] dims, bool keepdim = false) => Red(Reduce.Mean, dims, keepdim);
    public Tensor amax(long dim, bool keepdim = false) => Red(Reduce.Amax, new[] { dim }, keepdim);
    public Tensor amax(long[] dims, bool keepdim = false) => Red(Reduce.Amax, dims, keepdim);
    public Tensor amin(long dim, bool keepdim = false) => Red(Reduce.Amin, new[] { dim }, keepdim);
    public Tensor amin(long[] dims, bool keepdim = false) => Red(Reduce.Amin, dims, keepdim);
    public Tensor logsumexp() => Red(Reduce.LogSumExp, null, false);
    public Tensor logsumexp(long dim, bool keepdim = false) => Red(Reduce.LogSumExp, new[] { dim }, keepdim);
    public Tensor logsumexp(long[] dims, bool keepdim = false) => Red(Reduce.LogSumExp, dims, keepdim);
    public Tensor prod() => Red(Reduce.Prod, null, false);
    public Tensor prod(long dim, bool keepdim = false) => Red(Reduce.Prod, new[] { dim }, keepdim);
    public Tensor all() => Red(Reduce.All, null, false);
    public Tensor all(long dim, bool keepdim = false) => Red(Reduce.All, new[] { dim }, keepdim);
    public Tensor any() => Red(Reduce.Any, null, false);
    public Tensor any(long dim, bool keepdim = false) => Red(Reduce.Any, new[] { dim }, keepdim);

    /// <summary>Largest element.</summary>
    public Tensor max() => Red(Reduce.Amax, null, false);
    /// <summary>Smallest element.</summary>
    public Tensor min() => Red(Reduce.Amin, null, false);

    /// <summary>Largest values along <paramref name="dim"/> and where they are.</summary>
    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false)
    {
        var v = mlt_minmax_dim(Handle, dim, keepdim ? 1 : 0, 0, out var i);
        var values = new Tensor(v);
        return (values, new Tensor(i));
    }

    /// <summary>Smallest values along <paramref name="dim"/> and where they are.</summary>
    public (Tensor values, Tensor indices) min(long dim, bool keepdim = false)
    {
        var v = mlt_minmax_dim(Handle, dim, keepdim ? 1 : 0, 1, out var i);
        var values = new Tensor(v);
        return (values, new Tensor(i));
    }

    public Tensor argmax() => new(mlt_argminmax(Handle, 0, 0, 0, 0));
    public Tensor argmax(long dim, bool keepdim = false) => new(mlt_argminmax(Handle, dim, 1, keepdim ? 1 : 0, 0));
    public Tensor argmin() => new(mlt_argminmax(Handle, 0, 0, 0, 1));
    public Tensor argmin(long dim, bool keepdim = false) => new(mlt_argminmax(Handle, dim, 1, keepdim ? 1 : 0, 1));

    private unsafe Tensor Var(long[]? dims, int correction, bool keepdim, bool std)
    {
        if (dims is null) return new(mlt_var(Handle, null, -1, correction, 0, std ? 1 : 0));
        fixed (long* p = dims) return new(mlt_var(Handle, p, dims.Length, correction, keepdim ? 1 : 0, std ? 1 : 0));
    }

    // A lone integer argument is a dim, as in PyTorch (x.var(1) reduces dim 1); the correction is
    // always named or second, and null dims mean every element.
    /// <summary>Unbiased variance of every element.</summary>
    public Tensor var() => Var(null, 1, false, false);
    /// <summary>Variance over <paramref name="dim"/>; <paramref name="correction"/> 1 (default) is the unbiased estimate.</summary>
    public Tensor var(long dim, int correction = 1, bool keepdim = false) => Var(new[] { dim }, correction, keepdim, false);
    public Tensor var(long[]? dims, int correction = 1, bool keepdim = false) => Var(dims, correction, keepdim, false);
    public Tensor std() => Var(null, 1, false, true);
    public Tensor std(long dim, int correction = 1, bool keepdim = false) => Var(new[] { dim }, correction, keepdim, true);
    public Tensor std(long[]? dims, int correction = 1, bool keepdim = false) => Var(dims, correction, keepdim, true);

    /// <summary>p-norm over every element, or over <paramref name="dims"/>.</summary>
    public unsafe Tensor norm(double p = 2, long[]? dims = null, bool keepdim = false)
    {
        if (dims is null) return new(mlt_norm(Handle, p, null, -1, 0));
        fixed (long* d = dims) return new(mlt_norm(Handle, p, d, dims.Length, keepdim ? 1 : 0));
    }

    public Tensor norm(double p, long dim, bool keepdim = false) => norm(p, new[] { dim }, keepdim);

    public Tensor cumsum(long dim) => new(mlt_cumsum(Handle, dim));

    public (Tensor values, Tensor indices) sort(long dim = -1, bool descending = false)
    {
        var v = mlt_sort(Handle, dim, descending ? 1 : 0, out var i);
        var values = new Tensor(v);
        return (values, new Tensor(i));
    }

    public (Tensor values, Tensor indices) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        var v = mlt_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var i);
        var values = new Tensor(v);
        return (values, new Tensor(i));
    }

    /// <summary>Samples <paramref name="num_samples"/> indices per row from these (unnormalised) probabilities.</summary>
    public Tensor multinomial(long num_samples, bool replacement = false) => new(mlt_multinomial(Handle, num_samples, replacement ? 1 : 0));
}
