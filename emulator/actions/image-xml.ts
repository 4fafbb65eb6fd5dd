// One image as the `<item>` of DescribeImages' `imagesSet`, with the element names the SDK's
// deserializer reads (e.g. State → imageState, OwnerId → imageOwnerId, Public → isPublic,
// Tags → tagSet). Only fields the estate sets are written, so a client sees exactly the
// estate; emulator extensions (LaunchPermissions, UefiData) stay out, as in EC2.

import type { EstateBlockDeviceMapping, EstateImage, EstateTag } from '../estate.js';
import { el, item, leaf, list, type XmlElement } from '../xml.js';

export function tagSetXml(tags: EstateTag[] | undefined): XmlElement | undefined {
  if (tags === undefined) return undefined;
  return list('tagSet', tags.map((t) => item(leaf('key', t.Key), leaf('value', t.Value ?? ''))));
}

export function blockDeviceMappingXml(mappings: EstateBlockDeviceMapping[] | undefined): XmlElement | undefined {
  if (mappings === undefined) return undefined;
  return list(
    'blockDeviceMapping',
    mappings.map((m) =>
      item(
        leaf('deviceName', m.DeviceName),
        leaf('virtualName', m.VirtualName),
        m.Ebs &&
          el(
            'ebs',
            leaf('snapshotId', m.Ebs.SnapshotId),
            leaf('volumeSize', m.Ebs.VolumeSize),
            leaf('deleteOnTermination', m.Ebs.DeleteOnTermination),
            leaf('volumeType', m.Ebs.VolumeType),
            leaf('iops', m.Ebs.Iops),
            leaf('throughput', m.Ebs.Throughput),
            leaf('kmsKeyId', m.Ebs.KmsKeyId),
            leaf('outpostArn', m.Ebs.OutpostArn),
            leaf('availabilityZone', m.Ebs.AvailabilityZone),
            leaf('encrypted', m.Ebs.Encrypted),
          ),
        leaf('noDevice', m.NoDevice),
      ),
    ),
  );
}

export function productCodesXml(codes: EstateImage['ProductCodes']): XmlElement | undefined {
  if (codes === undefined) return undefined;
  return list('productCodes', codes.map((c) => item(leaf('productCode', c.ProductCodeId), leaf('type', c.ProductCodeType))));
}

/** The `<item>` for one image, in the order EC2 writes the fields. */
export function imageItemXml(img: EstateImage): XmlElement {
  return item(
    leaf('imageId', img.ImageId),
    leaf('imageLocation', img.ImageLocation),
    leaf('imageState', img.State),
    leaf('imageOwnerId', img.OwnerId),
    leaf('creationDate', img.CreationDate),
    leaf('isPublic', img.Public),
    productCodesXml(img.ProductCodes),
    leaf('architecture', img.Architecture),
    leaf('imageType', img.ImageType),
    leaf('kernelId', img.KernelId),
    leaf('ramdiskId', img.RamdiskId),
    leaf('platform', img.Platform),
    leaf('platformDetails', img.PlatformDetails),
    leaf('usageOperation', img.UsageOperation),
    img.StateReason && el('stateReason', leaf('code', img.StateReason.Code), leaf('message', img.StateReason.Message)),
    leaf('imageOwnerAlias', img.ImageOwnerAlias),
    leaf('name', img.Name),
    leaf('description', img.Description),
    leaf('rootDeviceType', img.RootDeviceType),
    leaf('rootDeviceName', img.RootDeviceName),
    blockDeviceMappingXml(img.BlockDeviceMappings),
    leaf('virtualizationType', img.VirtualizationType),
    tagSetXml(img.Tags),
    leaf('hypervisor', img.Hypervisor),
    leaf('enaSupport', img.EnaSupport),
    leaf('sriovNetSupport', img.SriovNetSupport),
    leaf('bootMode', img.BootMode),
    leaf('tpmSupport', img.TpmSupport),
    leaf('deprecationTime', img.DeprecationTime),
    leaf('imdsSupport', img.ImdsSupport),
    leaf('sourceInstanceId', img.SourceInstanceId),
    leaf('deregistrationProtection', img.DeregistrationProtection),
    leaf('lastLaunchedTime', img.LastLaunchedTime),
    leaf('imageAllowed', img.ImageAllowed),
    leaf('sourceImageId', img.SourceImageId),
    leaf('sourceImageRegion', img.SourceImageRegion),
    leaf('freeTierEligible', img.FreeTierEligible),
    leaf('publicSsmParameterName', img.PublicSsmParameterName),
  );
}
