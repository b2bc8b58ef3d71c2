/* pdf_images: PNG images as PDF image XObjects (see pdf_images.h). */
#include "pdf_images.h"

#include <stdio.h>

unsigned qs_pdf_image_add(qs_pdf_update *u, const qs_image *img)
{
    unsigned num = qs_pdf_update_new(u);
    char dict[256];
    int n = snprintf(dict, sizeof dict, "/Type /XObject /Subtype /Image "
                     "/Width %u /Height %u /ColorSpace /DeviceRGB "
                     "/BitsPerComponent 8", img->width, img->height);
    if (img->png_data) {
        snprintf(dict + n, sizeof dict - (size_t)n, " /Filter /FlateDecode "
                 "/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent "
                 "8 /Columns %u >>", img->width);
        qs_pdf_update_raw_stream(u, num, dict, img->png_data,
                                 img->png_data_size);
        return num;
    }
    size_t pixels = (size_t)img->width * img->height;
    if (img->alpha) {
        unsigned mask = qs_pdf_update_new(u);
        char mask_dict[160];
        snprintf(mask_dict, sizeof mask_dict, "/Type /XObject /Subtype /Image "
                 "/Width %u /Height %u /ColorSpace /DeviceGray "
                 "/BitsPerComponent 8", img->width, img->height);
        if (!qs_pdf_update_stream(u, mask, mask_dict, img->alpha, pixels))
            return 0;
        snprintf(dict + n, sizeof dict - (size_t)n, " /SMask %u 0 R", mask);
    }
    return qs_pdf_update_stream(u, num, dict, img->rgb, 3 * pixels) ? num : 0;
}
