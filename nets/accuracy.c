/* Being written: the accuracy model. Until it lands, every setting keeps the baseline. */
#include "net.h"

const char *const net_acc_src_names[] = {"measured", "interpolated", "estimated", NULL};

double net_accuracy(const net_network *net, const sw_compression *cmp, net_acc_src *src)
{
    (void)cmp;
    *src = NET_ACC_ESTIMATED;
    return net->top1;
}

net_acc_params net_acc_defaults(const net_network *net)
{
    (void)net;
    net_acc_params p = {1.0, 1.0, 1.0, 1.0, 0};
    return p;
}

int net_acc_calibrate(const net_network *net, net_acc_params *out, double *rms_err, char *msg,
                      size_t msg_len)
{
    (void)net;
    (void)msg;
    (void)msg_len;
    *out = net_acc_defaults(net);
    *rms_err = 0.0;
    return 0;
}
