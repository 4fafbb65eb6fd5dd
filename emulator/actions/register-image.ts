// RegisterImage: creates an image owned by the caller in the called region, taking the IMDS,
// boot mode, NitroTPM and UEFI settings at creation (the only time most can be set).
// The new image is `available` at once (EC2 takes a moment for EBS-backed images).

import type { EstateBlockDeviceMapping, EstateImage } from '../estate.js';
import { ApiError, Errors } from '../errors.js';
import { leaf } from '../xml.js';
import { checkDryRun, rejectUnstorableText, type ActionContext, type ActionDefinition } from './context.js';

function oneOf(ctx: ActionContext, name: string, allowed: string[]): string | undefined {
  const v = ctx.params.get(name);
  if (v !== undefined && !allowed.includes(v)) {
    throw Errors.invalidParameterValue(`Value (${v}) for parameter ${name} is invalid. Valid values: ${allowed.join(', ')}.`);
  }
  return v;
}

function blockDeviceMappings(ctx: ActionContext): EstateBlockDeviceMapping[] | undefined {
  const { params } = ctx;
  const indices = [...new Set(params.entries().map(([k]) => /^BlockDeviceMapping\.(\d+)\./.exec(k)?.[1]).filter((x): x is string => !!x))]
    .sort((a, b) => Number(a) - Number(b));
  if (indices.length === 0) return undefined;
  return indices.map((i) => {
    const p = `BlockDeviceMapping.${i}`;
    const ebsKeys = params.entries().some(([k]) => k.startsWith(`${p}.Ebs.`));
    const m: EstateBlockDeviceMapping = {};
    if (params.get(`${p}.DeviceName`) !== undefined) m.DeviceName = params.get(`${p}.DeviceName`)!;
    if (params.get(`${p}.VirtualName`) !== undefined) m.VirtualName = params.get(`${p}.VirtualName`)!;
    if (params.get(`${p}.NoDevice`) !== undefined) m.NoDevice = '';
    if (ebsKeys) {
      m.Ebs = {
        DeleteOnTermination: params.bool(`${p}.Ebs.DeleteOnTermination`) ?? true,
        SnapshotId: params.get(`${p}.Ebs.SnapshotId`),
        VolumeSize: params.int(`${p}.Ebs.VolumeSize`) ?? 8,
        VolumeType: params.get(`${p}.Ebs.VolumeType`) ?? 'gp3',
        Encrypted: params.bool(`${p}.Ebs.Encrypted`) ?? false,
      };
      const iops = params.int(`${p}.Ebs.Iops`);
      if (iops !== undefined) m.Ebs.Iops = iops;
      if (m.Ebs.SnapshotId === undefined) delete m.Ebs.SnapshotId;
    }
    return m;
  });
}

function tags(ctx: ActionContext): { Key: string; Value: string }[] | undefined {
  const out: { Key: string; Value: string }[] = [];
  for (let s = 1; ctx.params.has(`TagSpecification.${s}.ResourceType`); s++) {
    if (ctx.params.get(`TagSpecification.${s}.ResourceType`) !== 'image') continue;
    for (let t = 1; ctx.params.has(`TagSpecification.${s}.Tag.${t}.Key`); t++) {
      out.push({ Key: ctx.params.get(`TagSpecification.${s}.Tag.${t}.Key`)!, Value: ctx.params.get(`TagSpecification.${s}.Tag.${t}.Value`) ?? '' });
    }
  }
  return out.length > 0 ? out : undefined;
}

function registerImage(ctx: ActionContext) {
  rejectUnstorableText(ctx);
  const { params, account, region } = ctx;
  const name = params.required('Name');
  if (name.length < 3 || name.length > 128 || !/^[A-Za-z0-9()[\] ./\-'@_]+$/.test(name)) {
    throw new ApiError('InvalidAMIName.Malformed', `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'`);
  }
  const duplicate = region.images.find((img) => img.OwnerId === account.accountId && img.Name === name);
  if (duplicate) throw new ApiError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${duplicate.ImageId}`);
  const imdsSupport = oneOf(ctx, 'ImdsSupport', ['v2.0']);
  const bootMode = oneOf(ctx, 'BootMode', ['legacy-bios', 'uefi', 'uefi-preferred']);
  const tpmSupport = oneOf(ctx, 'TpmSupport', ['v2.0']);
  const architecture = oneOf(ctx, 'Architecture', ['i386', 'x86_64', 'arm64', 'x86_64_mac', 'arm64_mac']) ?? 'x86_64';
  if (tpmSupport && bootMode === 'legacy-bios') {
    throw Errors.invalidParameterCombination('NitroTPM requires the uefi or uefi-preferred boot mode.');
  }
  const uefiData = params.get('UefiData');
  const mappings = blockDeviceMappings(ctx);
  checkDryRun(ctx);

  const image: EstateImage = {
    Architecture: architecture,
    CreationDate: ctx.now.toISOString(),
    ImageId: `ami-0${ctx.randomHex(16)}`,
    ImageLocation: params.get('ImageLocation') ?? `${account.accountId}/${name}`,
    ImageType: 'machine',
    Public: false,
    OwnerId: account.accountId,
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    State: 'available',
    Name: name,
    RootDeviceType: mappings ? 'ebs' : 'instance-store',
    VirtualizationType: params.get('VirtualizationType') ?? 'hvm',
    Hypervisor: 'xen',
  };
  const description = params.get('Description');
  if (description !== undefined) image.Description = description;
  const rootDeviceName = params.get('RootDeviceName');
  if (rootDeviceName !== undefined) image.RootDeviceName = rootDeviceName;
  if (mappings) image.BlockDeviceMappings = mappings;
  const ena = params.bool('EnaSupport');
  if (ena !== undefined) image.EnaSupport = ena;
  const sriov = params.get('SriovNetSupport');
  if (sriov !== undefined) image.SriovNetSupport = sriov;
  if (bootMode) image.BootMode = bootMode;
  if (tpmSupport) image.TpmSupport = tpmSupport;
  if (imdsSupport) image.ImdsSupport = imdsSupport;
  if (uefiData !== undefined) image.UefiData = uefiData;
  const imageTags = tags(ctx);
  if (imageTags) image.Tags = imageTags;
  region.images.push(image);
  return [leaf('imageId', image.ImageId)!];
}

export const RegisterImage: ActionDefinition = { service: 'ec2', handle: registerImage };
