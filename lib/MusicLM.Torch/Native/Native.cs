using System.Reflection;
using System.Runtime.InteropServices;

namespace MusicLM.Torch.Native;

/// <summary>
/// P/Invoke declarations for the bridge in lib/native. Handles are <c>at::Tensor*</c>; a zero handle
/// (or a status of -1) means the call failed and <see cref="mlt_last_error"/> holds libtorch's message.
/// </summary>
internal static unsafe partial class NativeMethods
{
    // SuppressGCTransition marks calls that only read a field or free a handle: short and never blocking.
    internal const string Lib = "musiclm_native";

    static NativeMethods()
    {
        // libtorch's OpenMP threads spin after each parallel region by default, and on a small machine
        // they take the cores from OpenBLAS's own threads: decoding ran 4-30x slower on 2 cores. Passive
        // waiting must be chosen before the OpenMP runtime loads, i.e. before the bridge does; a value
        // the user set wins.
        if (OperatingSystem.IsLinux()) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
        mlt_init(Environment.ProcessorCount);
    }

    // Look next to this assembly first, so a notebook that loads the library with #r from any
    // folder finds the bridge without LD_LIBRARY_PATH.
    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib) return IntPtr.Zero;
        var dir = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(dir))
        {
            var candidate = Path.Combine(dir, "libmusiclm_native.so");
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var h)) return h;
        }
        return NativeLibrary.TryLoad("libmusiclm_native.so", assembly, path, out var h2) ? h2 : IntPtr.Zero;
    }

    internal static IntPtr Check(IntPtr handle)
    {
        if (handle == IntPtr.Zero) ThrowLastError();
        return handle;
    }

    internal static int Check(int status)
    {
        if (status < 0) ThrowLastError();
        return status;
    }

    internal static void ThrowLastError()
    {
        var p = mlt_last_error();
        var msg = p == IntPtr.Zero ? "libtorch call failed without a message" : Marshal.PtrToStringUTF8(p)!;
        mlt_clear_error();
        throw new TorchException(msg.Trim());
    }

    [DllImport("libc", EntryPoint = "setenv")] private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
    [DllImport(Lib)] internal static extern int mlt_init(int threads);
    [DllImport(Lib)] internal static extern IntPtr mlt_last_error();
    [DllImport(Lib)] internal static extern void mlt_clear_error();
    [DllImport(Lib)] internal static extern int mlt_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int mlt_get_num_threads();
    [DllImport(Lib)] internal static extern IntPtr mlt_torch_version();

    // tensor.cpp
    // Not SuppressGCTransition: freeing the last reference to torch.from_array memory calls back
    // into .NET (ReleasePin), which a thread without the GC transition may not do.
    [DllImport(Lib)] internal static extern void mlt_free(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mlt_share(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mlt_empty(long* shape, int n, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_zeros(long* shape, int n, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_ones(long* shape, int n, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_full(long* shape, int n, double v, int isInt, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_rand(long* shape, int n, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_randn(long* shape, int n, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_randint(long low, long high, long* shape, int n, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_arange(double start, double end, double step, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_linspace(double start, double end, long steps, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_eye(long n, long m, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_window(int kind, long n, int periodic, int dtype, int dt, int di);
    [DllImport(Lib)] internal static extern IntPtr mlt_from_blob(void* data, long* shape, int n, int dtype, delegate* unmanaged<IntPtr, void> release, IntPtr ctx);
    [DllImport(Lib)] internal static extern IntPtr mlt_from_bytes(void* data, long nbytes, long* shape, int n, int dtype);
    [DllImport(Lib)] internal static extern int mlt_copy_to(IntPtr t, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern IntPtr mlt_scalar_tensor(double v, int isInt, int dtype, int dt, int di);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_dim(IntPtr t);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_sizes(IntPtr t, long* outp, int cap);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_strides(IntPtr t, long* outp, int cap);
    [DllImport(Lib), SuppressGCTransition] internal static extern long mlt_numel(IntPtr t);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_dtype(IntPtr t);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_device_type(IntPtr t);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_device_index(IntPtr t);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_is_contiguous(IntPtr t);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_defined(IntPtr t);
    [DllImport(Lib), SuppressGCTransition] internal static extern long mlt_element_size(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mlt_data_ptr(IntPtr t);
    [DllImport(Lib)] internal static extern int mlt_item(IntPtr t, out double v);
    [DllImport(Lib)] internal static extern int mlt_item_long(IntPtr t, out long v);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_same(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mlt_to(IntPtr t, int dtype, int dt, int di, int copy);
    [DllImport(Lib)] internal static extern int mlt_cuda_is_available();
    [DllImport(Lib)] internal static extern int mlt_cuda_device_count();
    [DllImport(Lib)] internal static extern int mlt_manual_seed(ulong seed);

    // elementwise.cpp
    [DllImport(Lib)] internal static extern IntPtr mlt_unary(int op, IntPtr a);
    [DllImport(Lib)] internal static extern int mlt_unary_(int op, IntPtr a);
    [DllImport(Lib)] internal static extern IntPtr mlt_binary(int op, IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern IntPtr mlt_binary_s(int op, IntPtr a, double s, int isInt, double alpha, int reverse);
    [DllImport(Lib)] internal static extern int mlt_binary_(int op, IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern int mlt_binary_s_(int op, IntPtr a, double s, int isInt, double alpha);
    [DllImport(Lib)] internal static extern IntPtr mlt_addcmul(IntPtr a, IntPtr b, IntPtr c, double v);
    [DllImport(Lib)] internal static extern IntPtr mlt_addcdiv(IntPtr a, IntPtr b, IntPtr c, double v);
    [DllImport(Lib)] internal static extern int mlt_addcmul_(IntPtr a, IntPtr b, IntPtr c, double v);
    [DllImport(Lib)] internal static extern int mlt_addcdiv_(IntPtr a, IntPtr b, IntPtr c, double v);
    [DllImport(Lib)] internal static extern IntPtr mlt_clamp(IntPtr a, int hasMin, double lo, int hasMax, double hi);
    [DllImport(Lib)] internal static extern int mlt_clamp_(IntPtr a, int hasMin, double lo, int hasMax, double hi);
    [DllImport(Lib)] internal static extern IntPtr mlt_where(IntPtr c, IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mlt_masked_fill(IntPtr a, IntPtr mask, double v, int isInt);
    [DllImport(Lib)] internal static extern int mlt_masked_fill_(IntPtr a, IntPtr mask, double v, int isInt);
    [DllImport(Lib)] internal static extern IntPtr mlt_elu(IntPtr a, double alpha);
    [DllImport(Lib)] internal static extern IntPtr mlt_leaky_relu(IntPtr a, double slope);
    [DllImport(Lib)] internal static extern IntPtr mlt_snake(IntPtr x, IntPtr alpha);
    [DllImport(Lib)] internal static extern IntPtr mlt_softplus(IntPtr a, double beta, double threshold);
    [DllImport(Lib)] internal static extern IntPtr mlt_softmax(IntPtr a, long dim, int log);
    [DllImport(Lib)] internal static extern IntPtr mlt_triu(IntPtr a, long k, int lower);
    [DllImport(Lib)] internal static extern int mlt_normal_(IntPtr a, double mean, double std);
    [DllImport(Lib)] internal static extern int mlt_uniform_(IntPtr a, double lo, double hi);
    [DllImport(Lib)] internal static extern IntPtr mlt_allclose(IntPtr a, IntPtr b, double rtol, double atol);

    // reduce.cpp
    [DllImport(Lib)] internal static extern IntPtr mlt_reduce(int op, IntPtr a, long* dims, int n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mlt_var(IntPtr a, long* dims, int n, long correction, int keepdim, int isStd);
    [DllImport(Lib)] internal static extern IntPtr mlt_norm(IntPtr a, double p, long* dims, int n, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr mlt_minmax_dim(IntPtr a, long dim, int keepdim, int isMin, out IntPtr idx);
    [DllImport(Lib)] internal static extern IntPtr mlt_argminmax(IntPtr a, long dim, int hasDim, int keepdim, int isMin);
    [DllImport(Lib)] internal static extern IntPtr mlt_sort(IntPtr a, long dim, int descending, out IntPtr idx);
    [DllImport(Lib)] internal static extern IntPtr mlt_topk(IntPtr a, long k, long dim, int largest, int sorted, out IntPtr idx);
    [DllImport(Lib)] internal static extern IntPtr mlt_cumsum(IntPtr a, long dim);
    [DllImport(Lib)] internal static extern IntPtr mlt_multinomial(IntPtr probs, long n, int replacement);
    [DllImport(Lib)] internal static extern IntPtr mlt_bucketize(IntPtr a, IntPtr boundaries, int right);
    [DllImport(Lib)] internal static extern IntPtr mlt_cdist(IntPtr a, IntPtr b, double p);
    [DllImport(Lib)] internal static extern IntPtr mlt_one_hot(IntPtr a, long classes);
    [DllImport(Lib)] internal static extern IntPtr mlt_einsum([MarshalAs(UnmanagedType.LPUTF8Str)] string eq, IntPtr* ts, int n);
    [DllImport(Lib)] internal static extern IntPtr mlt_equal(IntPtr a, IntPtr b);

    // shape.cpp
    [DllImport(Lib)] internal static extern IntPtr mlt_reshape(IntPtr a, long* s, int n);
    [DllImport(Lib)] internal static extern IntPtr mlt_view(IntPtr a, long* s, int n);
    [DllImport(Lib)] internal static extern IntPtr mlt_permute(IntPtr a, long* s, int n);
    [DllImport(Lib)] internal static extern IntPtr mlt_expand(IntPtr a, long* s, int n);
    [DllImport(Lib)] internal static extern IntPtr mlt_repeat(IntPtr a, long* s, int n);
    [DllImport(Lib)] internal static extern IntPtr mlt_flip(IntPtr a, long* s, int n);
    [DllImport(Lib)] internal static extern IntPtr mlt_roll(IntPtr a, long* shifts, int ns, long* dims, int nd);
    [DllImport(Lib)] internal static extern IntPtr mlt_transpose(IntPtr a, long d0, long d1);
    [DllImport(Lib)] internal static extern IntPtr mlt_squeeze(IntPtr a, long dim, int all);
    [DllImport(Lib)] internal static extern IntPtr mlt_unsqueeze(IntPtr a, long dim);
    [DllImport(Lib)] internal static extern IntPtr mlt_flatten(IntPtr a, long start, long end);
    [DllImport(Lib)] internal static extern IntPtr mlt_narrow(IntPtr a, long dim, long start, long len);
    [DllImport(Lib)] internal static extern IntPtr mlt_select(IntPtr a, long dim, long i);
    [DllImport(Lib)] internal static extern IntPtr mlt_slice(IntPtr a, long dim, long start, long end, long step);
    [DllImport(Lib)] internal static extern IntPtr mlt_cat(IntPtr* ts, int n, long dim, int stack);
    [DllImport(Lib)] internal static extern int mlt_split(IntPtr a, long* sizes, int nSizes, long dim, IntPtr* outp, int cap);
    [DllImport(Lib)] internal static extern int mlt_chunk(IntPtr a, long chunks, long dim, IntPtr* outp, int cap);
    [DllImport(Lib)] internal static extern int mlt_unbind(IntPtr a, long dim, IntPtr* outp, int cap);
    [DllImport(Lib)] internal static extern IntPtr mlt_index_select(IntPtr a, long dim, IntPtr i);
    [DllImport(Lib)] internal static extern IntPtr mlt_gather(IntPtr a, long dim, IntPtr i);
    [DllImport(Lib)] internal static extern IntPtr mlt_scatter(IntPtr a, long dim, IntPtr i, IntPtr src, int add);
    [DllImport(Lib)] internal static extern int mlt_scatter_(IntPtr a, long dim, IntPtr i, IntPtr src, int add);
    [DllImport(Lib)] internal static extern int mlt_index_copy_(IntPtr a, long dim, IntPtr i, IntPtr src);
    [DllImport(Lib)] internal static extern IntPtr mlt_index(IntPtr a, long* spec, int n, IntPtr* tensors);
    [DllImport(Lib)] internal static extern int mlt_index_put_(IntPtr a, long* spec, int n, IntPtr* tensors, IntPtr value);

    // nn.cpp
    [DllImport(Lib)] internal static extern IntPtr mlt_linear(IntPtr x, IntPtr w, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mlt_conv1d(IntPtr x, IntPtr w, IntPtr b, long stride, long pad, long dil, long groups);
    [DllImport(Lib)] internal static extern IntPtr mlt_conv2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* pad, long* dil, long groups);
    [DllImport(Lib)] internal static extern IntPtr mlt_conv_transpose1d(IntPtr x, IntPtr w, IntPtr b, long stride, long pad, long outpad, long groups, long dil);
    [DllImport(Lib)] internal static extern IntPtr mlt_pool1d(IntPtr x, int isMax, long k, long stride, long pad);
    [DllImport(Lib)] internal static extern IntPtr mlt_pad(IntPtr x, long* p, int n, int mode, double value);
    [DllImport(Lib)] internal static extern IntPtr mlt_interpolate1d(IntPtr x, long size, int mode, double scale);
    [DllImport(Lib)] internal static extern IntPtr mlt_layer_norm(IntPtr x, long* shape, int n, IntPtr w, IntPtr b, double eps);
    [DllImport(Lib)] internal static extern IntPtr mlt_group_norm(IntPtr x, long groups, IntPtr w, IntPtr b, double eps);
    [DllImport(Lib)] internal static extern IntPtr mlt_batch_norm(IntPtr x, IntPtr w, IntPtr b, IntPtr rm, IntPtr rv, int training, double momentum, double eps);
    [DllImport(Lib)] internal static extern IntPtr mlt_dropout(IntPtr x, double p, int train);
    [DllImport(Lib)] internal static extern IntPtr mlt_embedding(IntPtr w, IntPtr i, long paddingIdx);
    [DllImport(Lib)] internal static extern IntPtr mlt_weight_norm(IntPtr v, IntPtr g, long dim);
    [DllImport(Lib)] internal static extern IntPtr mlt_lstm(IntPtr x, IntPtr h0, IntPtr c0, IntPtr* ps, int np, long layers, double dropout, int train, int batchFirst, IntPtr* outp);
    [DllImport(Lib)] internal static extern IntPtr mlt_cross_entropy(IntPtr logits, IntPtr target, IntPtr weight, int reduction, long ignoreIndex, double smoothing);
    [DllImport(Lib)] internal static extern IntPtr mlt_mse_loss(IntPtr a, IntPtr b, int reduction);
    [DllImport(Lib)] internal static extern IntPtr mlt_l1_loss(IntPtr a, IntPtr b, int reduction);
    [DllImport(Lib)] internal static extern IntPtr mlt_bce_with_logits(IntPtr a, IntPtr b, IntPtr w, IntPtr pw, int reduction);
    [DllImport(Lib)] internal static extern IntPtr mlt_stft(IntPtr x, long nfft, long hop, long win, IntPtr window, int normalized, int onesided);
    [DllImport(Lib)] internal static extern IntPtr mlt_istft(IntPtr spec, long nfft, long hop, long win, IntPtr window, int center, int normalized, int onesided, long length);

    // autograd.cpp
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_requires_grad(IntPtr t);
    [DllImport(Lib)] internal static extern int mlt_set_requires_grad(IntPtr t, int on);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_is_leaf(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mlt_grad(IntPtr t);
    [DllImport(Lib)] internal static extern int mlt_set_grad(IntPtr t, IntPtr g);
    [DllImport(Lib)] internal static extern int mlt_backward(IntPtr t, IntPtr grad, int retain, int create);
    [DllImport(Lib)] internal static extern int mlt_set_data(IntPtr t, IntPtr src);
    [DllImport(Lib), SuppressGCTransition] internal static extern int mlt_grad_enabled();
    [DllImport(Lib), SuppressGCTransition] internal static extern void mlt_set_grad_enabled(int on);
    [DllImport(Lib)] internal static extern int mlt_retain_grad(IntPtr t);

    // optim.cpp
    [DllImport(Lib)] internal static extern int mlt_adam_step(IntPtr* ps, IntPtr* m, IntPtr* v, int n, double lr, double b1, double b2, double eps, double wd, long step, int decoupled);
    [DllImport(Lib)] internal static extern int mlt_sgd_step(IntPtr* ps, IntPtr* bufs, int n, double lr, double momentum, double dampening, double wd, int nesterov, int first);
    [DllImport(Lib)] internal static extern int mlt_clip_grad_norm(IntPtr* ps, int n, double maxNorm, double normType, out double total);
    [DllImport(Lib)] internal static extern int mlt_zero_grad(IntPtr* ps, int n, int setToNone);
}
