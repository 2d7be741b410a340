using static MusicLM.Torch.Native.NativeMethods;

namespace MusicLM.Torch.nn;

/// <summary>
/// A tensor that is a module's learnable weight: it requires grad, it is never collected by a
/// dispose scope, and moving the module to another device or dtype keeps its identity.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (taken over: detached from autograd history and from any scope).</summary>
    public Parameter(Tensor data, bool requires_grad = true) : base(mlt_unary((int)Native.Unary.Detach, data.Handle), track: false)
    {
        this.requires_grad = requires_grad;
    }

    /// <summary>Replaces the values (and possibly device or dtype) in place, keeping the object.</summary>
    internal void Replace(Tensor data)
    {
        using (torch.no_grad()) set_data(data);
    }
}
